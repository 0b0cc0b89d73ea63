"""From mapped source events to confirmed Kafka deliveries, each source event at most once.

Per request (one webhook delivery, which may carry many source events): claim every
event id (SET NX, one pipelined round trip), turn context patches into AccountContexts
against the store (each account read once, the merged facts written in one pipeline),
publish every record with one wait for the broker's acknowledgement, then mark the ids
done (one round trip). A failed publish gives the claims back and raises Unavailable,
so the HTTP layer answers 503 and the source retries; an id another request is still
publishing gives the claims back and raises InFlight (409).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from saveroute.ingest.canonical import CanonicalEvent, Mapped
from saveroute.ingest.context import ContextResolver, ContextStore, records_for
from saveroute.models import Owner
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


class RequestContext(ContextStore, Protocol):
    """A ContextStore for one request whose writes take effect on `commit()`."""

    def commit(self) -> None: ...


class Ingestor:
    def __init__(self, publisher: Publisher, claims: DeliveryClaims,
                 open_context: Callable[[], RequestContext], default_owner: Owner | None = None) -> None:
        self.publisher, self.claims = publisher, claims
        self.open_context, self.default_owner = open_context, default_owner

    def ingest(self, deliveries: Sequence[Mapped]) -> list[Result]:
        results: list[Result | None] = [None] * len(deliveries)
        fresh: list[tuple[int, Mapped]] = []
        seen: set[tuple[str, str]] = set()
        for index, mapped in enumerate(deliveries):
            if not mapped.handled:
                metrics.IGNORED.labels(mapped.source, mapped.event_type).inc()
                results[index] = Result(mapped.event_id, "ignored")
                continue
            metrics.RECEIVED.labels(mapped.source, mapped.event_type).inc()
            if (mapped.source, mapped.event_id) in seen:  # repeated within the delivery
                results[index] = self._duplicate(mapped)
                continue
            seen.add((mapped.source, mapped.event_id))
            fresh.append((index, mapped))
        claims = self.claims.claim([(m.source, m.event_id) for _, m in fresh])
        owned = [(i, m) for (i, m), claim in zip(fresh, claims) if claim is Claim.NEW]
        keys = [(m.source, m.event_id) for _, m in owned]
        busy = [m for (_, m), claim in zip(fresh, claims) if claim is Claim.BUSY]
        if busy:
            self.claims.release(keys)
            metrics.UNAVAILABLE.labels(busy[0].source, "in_flight").inc()
            raise InFlight(busy[0].event_id)
        for (index, mapped), claim in zip(fresh, claims):
            if claim is Claim.DONE:
                results[index] = self._duplicate(mapped)
        try:
            context = self.open_context()
            resolver = ContextResolver(context, self.default_owner)
            records = [records_for(mapped, resolver) for _, mapped in owned]
            context.commit()
            self.publisher.publish_all([event for events, _ in records for event in events])
        except PublishError as exc:
            self.claims.release(keys)
            metrics.UNAVAILABLE.labels(owned[0][1].source, "kafka").inc()
            raise Unavailable(str(exc)) from exc
        except BaseException:
            self.claims.release(keys)
            raise
        self.claims.complete(keys)
        for (index, mapped), (events, short) in zip(owned, records):
            results[index] = self._published(mapped, events, short)
        return results  # type: ignore[return-value]

    @staticmethod
    def _duplicate(mapped: Mapped) -> Result:
        metrics.DUPLICATES.labels(mapped.source).inc()
        return Result(mapped.event_id, "duplicate")

    @staticmethod
    def _published(mapped: Mapped, events: list[CanonicalEvent], short: int) -> Result:
        for event in events:
            metrics.PUBLISHED.labels(mapped.source, event.topic.name).inc()
        for phrase in mapped.notes:
            metrics.INTENT.labels(phrase).inc()
        if not events:
            metrics.INSUFFICIENT.labels(mapped.source).inc()
            return Result(mapped.event_id, "insufficient_context")
        if short:  # a signal with too little context: still published, the gap counted
            metrics.INSUFFICIENT.labels(mapped.source).inc(short)
        return Result(mapped.event_id, "published", len(events))
