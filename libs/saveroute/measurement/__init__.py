"""Measurement: the business metrics of the save process, counted once per event.

`catalog` names every metric and its labels; `counting` says what each event
adds; `batch` counts a batch against a state backend (Redis in the metrics
service, `memory.MemoryBackend` in tests); `exposition` turns stored totals
into Prometheus metric families.
"""

from saveroute.measurement.batch import StateConflict, count_batch
from saveroute.measurement.catalog import METRICS, MetricSpec, Vocabularies, exported_sample_names
from saveroute.measurement.counting import CountingRules, InvalidEvent
from saveroute.measurement.exposition import BusinessCollector
from saveroute.measurement.ledger import Changes, Ledger, StateBackend
from saveroute.measurement.memory import MemoryBackend
from saveroute.measurement.settings import MeasurementSettings

__all__ = [
    "METRICS", "BusinessCollector", "Changes", "CountingRules", "InvalidEvent", "Ledger",
    "MeasurementSettings", "MemoryBackend", "MetricSpec", "StateBackend", "StateConflict",
    "Vocabularies", "count_batch", "exported_sample_names",
]
