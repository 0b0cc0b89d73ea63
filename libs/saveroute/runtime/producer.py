"""Publishing single events from outside a stage: the webhook gateway and CLI commands.

Same guarantees as the stage runtime's producer: idempotent, acks from all in-sync
replicas, encoded with the configured codec, keyed by account id, and the source
event id in a header. `flush()` waits for every acknowledgement and raises if any
record was refused, so a caller can answer its client only once the event is safe.
"""

from __future__ import annotations

from typing import Any

from confluent_kafka import KafkaError, Producer
from pydantic import BaseModel

from saveroute.runtime.batch import EVENT_ID_HEADER
from saveroute.runtime.codec import TopicCodec, codec_from_settings
from saveroute.runtime.config import RuntimeSettings
from saveroute.serde import encode_key
from saveroute.topics import Topic


class DeliveryError(RuntimeError):
    """Records the broker did not accept (after the producer's own retries)."""


class EventProducer:
    def __init__(self, settings: RuntimeSettings, codec: TopicCodec | None = None,
                 producer: Producer | None = None) -> None:
        self.codec = codec or codec_from_settings(settings)
        self.producer = producer or Producer(settings.producer_config())
        self._failures: list[str] = []

    def _on_delivery(self, err: KafkaError | None, msg: Any) -> None:
        if err is not None:
            self._failures.append(f"{msg.topic()}: {err.str()}")

    def publish(self, topic: Topic, key: str, value: BaseModel, event_id: str | None = None,
                timestamp_ms: int | None = None) -> None:
        """Queue one record; call `flush()` to know it was delivered.

        `timestamp_ms` is the record timestamp (None: the time of producing); a signal's
        is its decision time, which is how `replay` decides as of a scenario's `now`.
        """
        headers = [(EVENT_ID_HEADER, event_id.encode())] if event_id else None
        self.publish_raw(topic.name, encode_key(key), self.codec.encode(topic, value), headers, timestamp_ms)

    def publish_raw(self, topic_name: str, key: bytes | None, value: bytes,
                    headers: list[tuple[str, bytes]] | None = None, timestamp_ms: int | None = None) -> None:
        """Queue bytes as they are (replaying a dead letter, tests of bad input)."""
        timestamp = 0 if timestamp_ms is None else timestamp_ms  # librdkafka: 0 is "now"
        while True:
            try:
                self.producer.produce(topic_name, value=value, key=key, headers=headers, timestamp=timestamp,
                                      on_delivery=self._on_delivery)
                break
            except BufferError:  # the local queue is full: wait for acknowledgements, then retry
                self.producer.poll(0.5)
        self.producer.poll(0)

    def flush(self, timeout: float = 30.0) -> None:
        """Wait for every queued record; `DeliveryError` if any was refused or is still pending."""
        pending = self.producer.flush(timeout)
        failures, self._failures = self._failures, []
        if failures or pending:
            raise DeliveryError(f"{len(failures)} record(s) refused, {pending} still pending after "
                                f"{timeout}s" + (f"; first: {failures[0]}" if failures else ""))

    def __enter__(self) -> EventProducer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.flush()
