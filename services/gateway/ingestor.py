"""From mapped source events to confirmed Kafka deliveries, each source event at most once.

Per source event: claim its id (SET NX), turn context patches into AccountContexts
against the store, publish every record, wait for the broker's acknowledgement,
then mark the id done. A failed publish gives the claim back and raises
Unavailable, so the HTTP layer answers 503 and the source retries.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from saveroute.ingest.canonical import CanonicalEvent, Mapped
from saveroute.ingest.context import ContextResolver, records_for
from services.gateway import metrics
from services.gateway.state import Claim, DeliveryClaims


class PublishError(RuntimeError):
    """The broker did not confirm delivery."""


class Publisher(Protocol):
    def publish_all(self, events: Sequence[CanonicalEvent]) -> None:
        """Deliver every event and return only once the broker confirmed all (else PublishError)."""


class Unavailable(RuntimeError):
    """Nothing confirmed: answer 503 so the source retries."""


class InFlight(RuntimeError):
    """The same event id is being published by another request: answer 409, retry later."""


@dataclass(frozen=True)
class Result:
    event_id: str
    status: str  # published | duplicate | ignored | insufficient_context
    published: int = 0

    def as_json(self) -> dict[str, object]:
        return {"event_id": self.event_id, "status": self.status, "published": self.published}


class Ingestor:
    def __init__(self, publisher: Publisher, claims: DeliveryClaims, resolver: ContextResolver) -> None:
        self.publisher, self.claims, self.resolver = publisher, claims, resolver

    def ingest(self, deliveries: Sequence[Mapped]) -> list[Result]:
        return [self._one(mapped) for mapped in deliveries]

    def _one(self, mapped: Mapped) -> Result:
        source = mapped.source
        if not mapped.handled:
            metrics.IGNORED.labels(source, mapped.event_type).inc()
            return Result(mapped.event_id, "ignored")
        metrics.RECEIVED.labels(source, mapped.event_type).inc()
        claim = self.claims.claim(source, mapped.event_id)
        if claim is Claim.DONE:
            metrics.DUPLICATES.labels(source).inc()
            return Result(mapped.event_id, "duplicate")
        if claim is Claim.BUSY:
            metrics.UNAVAILABLE.labels(source, "in_flight").inc()
            raise InFlight(mapped.event_id)
        try:
            events = self._records(mapped)
            self.publisher.publish_all(events)
        except PublishError as exc:
            self.claims.release(source, mapped.event_id)
            metrics.UNAVAILABLE.labels(source, "kafka").inc()
            raise Unavailable(str(exc)) from exc
        except BaseException:
            self.claims.release(source, mapped.event_id)
            raise
        self.claims.complete(source, mapped.event_id)
        for event in events:
            metrics.PUBLISHED.labels(source, event.topic.name).inc()
        for phrase in mapped.notes:
            metrics.INTENT.labels(phrase).inc()
        if not events:
            metrics.INSUFFICIENT.labels(source).inc()
            return Result(mapped.event_id, "insufficient_context")
        return Result(mapped.event_id, "published", len(events))

    def _records(self, mapped: Mapped) -> list[CanonicalEvent]:
        events, short = records_for(mapped, self.resolver)
        if short and events:  # a signal with too little context: still published, the gap counted
            metrics.INSUFFICIENT.labels(mapped.source).inc(short)
        return events
