"""Headline retention figures per cause, from Prometheus, for people without Grafana.

`queries(window)` names the PromQL; `build_rows(results)` turns the answers into
rows; `render(rows, fmt)` prints them as a table, JSON or CSV. With no window the
figures are all-time (the totals are durable, so the raw counters are exact);
with a window such as `30d` they are `increase()` over it.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass

from saveroute.measurement.catalog import CAUSES_OR_UNKNOWN, DECIDED_OUTCOMES, RETAINING_OUTCOMES

ALL = "all"
Results = Mapping[str, Mapping[str, float]]  # figure -> cause ("all" for the total) -> value


@dataclass(frozen=True)
class Row:
    cause: str
    requests: float
    save_rate: float | None
    median_owner_response_s: float | None
    discount_use: float | None
    retained_margin: float
    currency: str


def _alternation(values: Iterable[str]) -> str:
    return "|".join(sorted(values))


def queries(window: str | None) -> dict[str, tuple[str, str]]:
    """figure -> (PromQL by cause, PromQL for all causes)."""
    def over(series: str) -> str:
        return f"increase({series}[{window}])" if window else series

    decided = f'saveroute_outcomes_total{{outcome=~"{_alternation(DECIDED_OUTCOMES)}"}}'
    kept = f'saveroute_outcomes_total{{outcome=~"{_alternation(RETAINING_OUTCOMES)}"}}'
    sums = {
        "requests": over("saveroute_save_requests_total"),
        "saved": over('saveroute_outcomes_total{outcome="saved"}'),
        "decided": over(decided),
        "kept": over(kept),
        "discounted": over("saveroute_discount_granted_ratio_count"),
        "margin": over("saveroute_retained_margin_total"),
    }
    figures = {name: (f"sum by (cause) ({expr})", f"sum({expr})") for name, expr in sums.items()}
    bucket = over("saveroute_owner_response_seconds_bucket")
    figures["median_response"] = (f"histogram_quantile(0.5, sum by (cause, le) ({bucket}))",
                                  f"histogram_quantile(0.5, sum by (le) ({bucket}))")
    return figures


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else value  # NaN: no answers yet


def build_rows(results: Results, currency: str) -> list[Row]:
    def get(figure: str, cause: str) -> float:
        return results.get(figure, {}).get(cause, 0.0)

    seen = [c for c in CAUSES_OR_UNKNOWN if get("requests", c) or get("decided", c) or get("kept", c)]
    rows = []
    for cause in [*seen, ALL]:
        rows.append(Row(
            cause=cause, requests=get("requests", cause),
            save_rate=_ratio(get("saved", cause), get("decided", cause)),
            median_owner_response_s=_finite(results.get("median_response", {}).get(cause)),
            discount_use=_ratio(get("discounted", cause), get("kept", cause)),
            retained_margin=get("margin", cause), currency=currency))
    return rows


def collect(query: Callable[[str], list[tuple[dict[str, str], float]]], window: str | None) -> Results:
    """Run every query through `query(expr) -> [(labels, value)]` and index by cause."""
    results: dict[str, dict[str, float]] = {}
    for figure, (by_cause, total) in queries(window).items():
        values = {labels.get("cause", ALL): value for labels, value in query(by_cause)}
        for _, value in query(total):
            values[ALL] = value
        results[figure] = values
    return results


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _hours(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 3600:.1f} h"


def render(rows: list[Row], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(asdict(rows[0]).keys()) if rows else ["cause"],
                                lineterminator="\n")
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
        return out.getvalue().rstrip("\n")
    header = ("cause", "requests", "save rate", "median owner response", "discount use", "retained margin")
    table = [header] + [(r.cause, f"{r.requests:g}", _pct(r.save_rate), _hours(r.median_owner_response_s),
                         _pct(r.discount_use), f"{r.retained_margin:,.0f} {r.currency}") for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
             for line in table]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])
