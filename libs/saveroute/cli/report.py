"""`saveroute report`: headline retention figures per cause from a Prometheus server.

Reads Prometheus's HTTP API (`/api/v1/query`) with httpx; the queries and the
table live in `saveroute.measurement.report`.
"""

from collections.abc import Callable

import click
import httpx


def prometheus_query(base_url: str, client: httpx.Client) -> Callable[[str], list[tuple[dict[str, str], float]]]:
    def query(expr: str) -> list[tuple[dict[str, str], float]]:
        response = client.get(f"{base_url.rstrip('/')}/api/v1/query", params={"query": expr})
        body = response.json()
        if response.status_code != 200 or body.get("status") != "success":
            raise click.ClickException(f"Prometheus refused {expr!r}: {body.get('error', response.status_code)}")
        return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]

    return query


@click.command("report")
@click.option("--prometheus", "url", envvar="SAVEROUTE_PROMETHEUS_URL", default="http://127.0.0.1:9090",
              show_default=True, help="Prometheus base URL ($SAVEROUTE_PROMETHEUS_URL).")
@click.option("--window", default=None, metavar="DURATION",
              help="A PromQL range such as 30d (default: all time, from the durable totals).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--currency", envvar="SAVEROUTE_REPORTING_CURRENCY", default="USD", show_default=True,
              help="The reporting currency the metrics service converts to.")
def report(url: str, window: str | None, fmt: str, currency: str) -> None:
    """Per cause: requests, save rate, median owner response, discount use, retained margin."""
    from saveroute.measurement.report import build_rows, collect, render

    try:
        with httpx.Client(timeout=30.0) as client:
            results = collect(prometheus_query(url, client), window)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach Prometheus at {url}: {exc}") from None
    click.echo(render(build_rows(results, currency), fmt))
