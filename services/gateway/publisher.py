"""Delivering a request's records through the shared EventProducer, confirmed before we answer.

The EventProducer's `flush()` reports failures for everything queued, so requests
publish one at a time under a lock: a request's answer reflects its own records
only. A refused or unacknowledged record raises PublishError (→ 503, the source
retries; downstream stages drop a re-delivered event id).
"""

import threading
from collections.abc import Sequence

from confluent_kafka import KafkaException

from saveroute.ingest.canonical import CanonicalEvent
from saveroute.runtime import DeliveryError, EventProducer
from services.gateway.ingestor import PublishError


class KafkaPublisher:
    def __init__(self, producer: EventProducer, wait_s: float) -> None:
        self.producer, self.wait_s = producer, wait_s
        self._lock = threading.Lock()

    def publish_all(self, events: Sequence[CanonicalEvent]) -> None:
        if not events:
            return
        with self._lock:
            try:
                for event in events:
                    self.producer.publish(event.topic, event.key, event.value, event.event_id)
                self.producer.flush(self.wait_s)
            except (DeliveryError, KafkaException) as exc:
                raise PublishError(str(exc)) from exc
