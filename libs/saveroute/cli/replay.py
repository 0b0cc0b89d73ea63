"""`saveroute replay FILE.jsonl`: scenarios through the running stack, decisions out as `route` writes them."""

import sys

import click

from saveroute.cli.options import open_input
from saveroute.runtime.config import ConfigError
from saveroute.scenario_io import read_scenarios, write_line
from saveroute.stack.connect import StackNotFound, client_settings, require_broker
from saveroute.stack.feeder import ContextNotStored
from saveroute.stack.replay import replay as replay_items


@click.command()
@click.argument("input_path", metavar="FILE.jsonl", default="-")
@click.option("-o", "--output", "output_path", default="-", metavar="OUT.jsonl", help="Where to write decisions (- for stdout).")
@click.option("--bootstrap", default=None, help="Kafka bootstrap servers (default: .run/stack.json, else the environment).")
@click.option("--redis-url", default=None, help="Redis URL (default: .run/stack.json, else the environment).")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds to wait for every decision.")
def replay(input_path: str, output_path: str, bootstrap: str | None, redis_url: str | None, timeout: float) -> None:
    """Publish scenarios to a running stack; print its decisions in input order; exit 1 if any line failed."""
    try:
        settings = client_settings(bootstrap, redis_url)
        require_broker(settings)
    except (ConfigError, StackNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    with open_input(input_path) as source:
        items = [item for _, _, item in read_scenarios(source)]
    try:
        result = replay_items(settings, items, timeout)
    except ContextNotStored as exc:
        raise click.ClickException(str(exc)) from None
    with click.open_file(output_path, "w", encoding="utf-8") as out:
        for line in result.lines:
            write_line(out, line)
    if result.failed:
        click.echo(f"{result.failed} scenario(s) could not be decided; see the error lines", err=True)
        sys.exit(1)
