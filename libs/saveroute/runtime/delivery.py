"""Producing one batch's records and knowing, record by record, that the broker has them.

The step can be repeated after a transient fault: records already acknowledged are
never produced again, records the broker rejected are produced again, records still
in flight are waited for. Memory stays bounded by the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer

from saveroute.runtime.batch import WireRecord
from saveroute.runtime.errors import TransientError

TO_PRODUCE, IN_FLIGHT, DELIVERED = 0, 1, 2


class BatchDelivery:
    def __init__(self, producer: Producer, records: Sequence[WireRecord], wait_s: float) -> None:
        self.producer = producer
        self.records = list(records)
        self.wait_s = wait_s
        self.state = [TO_PRODUCE] * len(self.records)
        self.last_error: KafkaError | None = None

    def _callback(self, index: int):  # type: ignore[no-untyped-def]
        def on_delivery(err: KafkaError | None, _msg: Any) -> None:
            if err is None:
                self.state[index] = DELIVERED
                return
            if err.fatal():
                raise KafkaException(err)
            self.state[index] = TO_PRODUCE
            self.last_error = err
        return on_delivery

    def _produce(self, index: int) -> None:
        rec = self.records[index]
        kwargs = dict(value=rec.value, key=rec.key, headers=rec.headers, on_delivery=self._callback(index))
        try:
            self.producer.produce(rec.topic, **kwargs)
        except BufferError:
            self.producer.poll(0.5)  # serve delivery reports to make room, then try once more
            try:
                self.producer.produce(rec.topic, **kwargs)
            except BufferError:
                raise TransientError("produce_queue_full", "local produce queue is full") from None
        self.state[index] = IN_FLIGHT

    def step(self) -> None:
        """Produce what is not yet delivered and wait; TransientError if anything is missing."""
        for index, state in enumerate(self.state):
            if state == TO_PRODUCE:
                self._produce(index)
        self.producer.flush(self.wait_s)
        failed = self.state.count(TO_PRODUCE)
        if failed:
            raise TransientError("delivery_failed", f"{failed} record(s) not accepted: {self.last_error}")
        pending = self.state.count(IN_FLIGHT)
        if pending:
            raise TransientError("broker_unavailable",
                                 f"{pending} record(s) not acknowledged within {self.wait_s}s")
