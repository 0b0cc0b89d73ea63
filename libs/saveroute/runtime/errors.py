"""Which failures are transient (retry the step, commit nothing) and which are not.

Transient: Redis unreachable, the broker not acknowledging, a full produce queue, a
Schema Registry that does not answer. Everything else is either a fault of one message
(dead-lettered by the batch logic) or a bug (the process stops, uncommitted work is
redone by whoever takes the partitions over).
"""

from __future__ import annotations

import redis
from confluent_kafka import KafkaError, KafkaException

from saveroute.serde.confluent import SchemaRegistryUnavailable


class TransientError(RuntimeError):
    """A step that may succeed if tried again later; `reason` labels the retry metric."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


class ShutdownDeadline(RuntimeError):
    """The shutdown deadline passed while a step was still being retried."""


def transient_reason(exc: BaseException) -> str | None:
    """A short label if `exc` is transient, else None."""
    if isinstance(exc, TransientError):
        return exc.reason
    if isinstance(exc, (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)):
        return "redis_unavailable"
    if isinstance(exc, redis.ResponseError) and str(exc).startswith(("LOADING", "MASTERDOWN", "TRYAGAIN")):
        return "redis_unavailable"
    if isinstance(exc, BufferError):
        return "produce_queue_full"
    if isinstance(exc, SchemaRegistryUnavailable):
        return "schema_registry_unavailable"
    if isinstance(exc, KafkaException):
        err = exc.args[0] if exc.args else None
        if isinstance(err, KafkaError) and (err.retriable() or err.code() in _RETRIABLE_CODES):
            return "broker_unavailable"
    return None


_RETRIABLE_CODES = {
    KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._TIMED_OUT,
    KafkaError.REQUEST_TIMED_OUT, KafkaError.COORDINATOR_NOT_AVAILABLE,
    KafkaError.NOT_COORDINATOR, KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
}
