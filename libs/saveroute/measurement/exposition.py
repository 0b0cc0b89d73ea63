"""Expose the stored totals as Prometheus metric families, read at scrape time.

Totals live in the state backend (Redis), not in process memory, so a restart
neither resets nor repeats a counter. Pre-initialised series are exposed at zero
for every label combination of their vocabularies.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from saveroute.measurement import catalog as m
from saveroute.measurement.ledger import StateBackend, StateUnavailable, bucket_label, parse_series_field

log = logging.getLogger(__name__)


def _grouped(totals: dict[str, float]) -> dict[str, dict[tuple[str, ...], float]]:
    grouped: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)
    for key, value in totals.items():
        sample, values = parse_series_field(key)
        grouped[sample][values] = value
    return grouped


def _family(spec: m.MetricSpec) -> Metric:
    labels = list(spec.labels)
    if spec.kind == "counter":
        return CounterMetricFamily(spec.name, spec.help, labels=labels)
    if spec.kind == "histogram":
        return HistogramMetricFamily(spec.name, spec.help, labels=labels)
    return GaugeMetricFamily(spec.name, spec.help, labels=labels)


class BusinessCollector:
    """A prometheus_client collector over a `StateBackend`."""

    def __init__(self, backend: StateBackend, vocab: m.Vocabularies,
                 clock: Callable[[], float] = time.time):
        self._backend = backend
        self._vocab = vocab
        self._clock = clock

    def describe(self) -> Iterator[Metric]:
        for spec in m.METRICS:
            yield _family(spec)

    def collect(self) -> Iterator[Metric]:
        try:
            grouped = _grouped(self._backend.totals())
            open_, past_due = self._backend.open_tasks(self._clock())
        except StateUnavailable as exc:  # the pipeline metrics still answer
            log.warning("business metrics unavailable: %s", exc)
            return
        gauges = {m.TASKS_OPEN.name: open_, m.TASKS_PAST_DUE.name: past_due}
        for spec in m.METRICS:
            family = _family(spec)
            if spec.kind == "gauge":
                for (cause,) in self._vocab.combinations(spec):
                    family.add_metric([cause], gauges[spec.name].get(cause, 0))
            elif spec.kind == "counter":
                self._counter(spec, family, grouped.get(spec.name, {}))
            else:
                self._histogram(spec, family, grouped)
            yield family

    def _label_sets(self, spec: m.MetricSpec, stored: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
        base = self._vocab.combinations(spec) if spec.preinit else []
        return base + sorted(stored - set(base))

    def _counter(self, spec: m.MetricSpec, family: Metric, stored: dict[tuple[str, ...], float]) -> None:
        for values in self._label_sets(spec, set(stored)):
            family.add_metric(list(values), stored.get(values, 0.0))

    def _histogram(self, spec: m.MetricSpec, family: Metric,
                   grouped: dict[str, dict[tuple[str, ...], float]]) -> None:
        buckets = grouped.get(f"{spec.name}_bucket", {})
        sums = grouped.get(f"{spec.name}_sum", {})
        counts = grouped.get(f"{spec.name}_count", {})
        bounds = [bucket_label(b) for b in (*spec.buckets, float("inf"))]
        for values in self._label_sets(spec, set(counts)):
            cumulative = [(le, buckets.get((*values, le), 0.0)) for le in bounds]
            family.add_metric(list(values), cumulative, sums.get(values, 0.0))
