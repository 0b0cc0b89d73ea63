"""Every Prometheus metric the runtime exports, in one place, labelled by service.

Labels are bounded: service, topic (a fixed set), partition (bounded by the topic's
partition count), error type and retry reason (small fixed vocabularies). Never an
account id, an event id or a free-text error.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CONSUMED = Counter("saveroute_messages_consumed_total", "Records read from input topics",
                   ["service", "topic"])
PRODUCED = Counter("saveroute_messages_produced_total", "Records delivered to output topics",
                   ["service", "topic"])
DUPLICATES = Counter("saveroute_duplicates_skipped_total",
                     "Records skipped because this stage already finished their source event",
                     ["service"])
DEAD_LETTERED = Counter("saveroute_dead_lettered_total", "Records sent to the dead-letter topic",
                        ["service", "error_type"])
PROCESSING = Histogram("saveroute_processing_seconds",
                       "Seconds from a batch's arrival to its offsets being committed",
                       ["service"],
                       buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
LAG = Gauge("saveroute_consumer_lag", "Records behind the partition's high watermark",
            ["service", "topic", "partition"])
LAST_PROCESSED = Gauge("saveroute_last_processed_timestamp_seconds",
                       "Unix time at which the last batch was committed", ["service"])
RETRIES = Counter("saveroute_transient_retries_total", "Retries of a step after a transient fault",
                  ["service", "reason"])
COMMIT_FAILURES = Counter("saveroute_commit_failures_total",
                          "Offset commits that failed (the work is redone by the next owner)", ["service"])


class StageMetrics:
    """The runtime's metrics, bound to one service's label."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.duplicates = DUPLICATES.labels(service)
        self.processing = PROCESSING.labels(service)
        self.last_processed = LAST_PROCESSED.labels(service)
        self.commit_failures = COMMIT_FAILURES.labels(service)

    def consumed(self, topic: str, n: int) -> None:
        CONSUMED.labels(self.service, topic).inc(n)

    def produced(self, topic: str, n: int) -> None:
        PRODUCED.labels(self.service, topic).inc(n)

    def dead_lettered(self, error_type: str) -> None:
        DEAD_LETTERED.labels(self.service, error_type).inc()

    def retried(self, reason: str) -> None:
        RETRIES.labels(self.service, reason).inc()

    def lag(self, topic: str, partition: int, value: int) -> None:
        LAG.labels(self.service, topic, str(partition)).set(value)

    def forget_partition(self, topic: str, partition: int) -> None:
        try:
            LAG.remove(self.service, topic, str(partition))
        except KeyError:
            pass
