"""The series names the code exports and the rules record, and the ones a PromQL text uses.

Dashboards and rules may only name series that exist; tests compare them against
this set, which is derived from the code (the business catalogue and the runtime's
metric objects) and from the recording rules file, never written by hand.
"""

import re
from collections.abc import Iterable
from pathlib import Path

import yaml
from prometheus_client.metrics import MetricWrapperBase

from saveroute.measurement.catalog import exported_sample_names
from saveroute.measurement.scrape_config import RULES_DIR

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SERIES = re.compile(r"(?<![A-Za-z0-9_:])((?:[a-z_]+:)?saveroute_[A-Za-z0-9_:]*)")


def _sample_names(metric: MetricWrapperBase) -> set[str]:
    names: set[str] = set()
    for family in metric.describe():
        if family.type == "counter":
            names.add(f"{family.name}_total")
        elif family.type == "histogram":
            names.update(f"{family.name}{s}" for s in ("_bucket", "_sum", "_count"))
        else:
            names.add(family.name)
    return names


def runtime_sample_names() -> frozenset[str]:
    """Every series the shared runtime exports (read off its metric objects)."""
    from saveroute.runtime import metrics as runtime_metrics

    return frozenset(name for value in vars(runtime_metrics).values()
                     if isinstance(value, MetricWrapperBase) for name in _sample_names(value))


def recording_rules(rules_file: Path = RULES_DIR / "recording.rules.yml") -> dict[str, str]:
    """Each series the recording rules record, and the expression it is recorded from."""
    data = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    return {rule["record"]: rule["expr"] for group in data["groups"] for rule in group["rules"] if "record" in rule}


def recorded_names(rules_file: Path = RULES_DIR / "recording.rules.yml") -> frozenset[str]:
    return frozenset(recording_rules(rules_file))


def known_series() -> frozenset[str]:
    return exported_sample_names() | runtime_sample_names() | recorded_names()


def series_in(expressions: Iterable[str]) -> set[str]:
    """The saveroute series a PromQL expression names (label values are ignored)."""
    found: set[str] = set()
    for expr in expressions:
        found.update(_SERIES.findall(_QUOTED.sub('""', expr)))
    return found
