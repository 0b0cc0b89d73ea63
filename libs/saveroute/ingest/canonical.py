"""What a mapping returns, and the one place a dict becomes a validated model.

A mapping yields finished events (signals, tickets, outcomes) plus context
patches: partial account facts that are merged with what is already known
before an AccountContext is published (see `context`). `POST /events` bodies
are parsed here too, against the very same models.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from saveroute import topics
from saveroute.ingest.errors import MappingError
from saveroute.topics import Topic

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CanonicalEvent:
    """One record to publish: topic, key (the account id), value and its event id."""

    topic: Topic
    key: str
    value: BaseModel
    event_id: str

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.topic.name, "key": self.key, "event_id": self.event_id,
                "value": self.value.model_dump(mode="json")}


@dataclass(frozen=True)
class ContextPatch:
    """Account facts one source event knows; merged onto the last known context.

    `fields` uses AccountContext field names (owner as a dict). `alias` is a
    source-local account name (e.g. `hubspot-company:42`) used when the source
    does not know saveroute's account id; a patch with both links the two.
    """

    event_id: str
    as_of: datetime
    fields: dict[str, Any] = field(default_factory=dict)
    account_id: str | None = None
    alias: str | None = None


@dataclass(frozen=True)
class Mapped:
    """The result of mapping one source event (one idempotency key)."""

    source: str
    event_id: str
    event_type: str  # a bounded label: the source's catalogue name, or "other"
    events: tuple[CanonicalEvent, ...] = ()
    patches: tuple[ContextPatch, ...] = ()
    handled: bool = True  # False: a type saveroute does not use (acknowledged, counted)
    notes: tuple[str, ...] = ()  # bounded labels for metrics, e.g. matched intent phrase ids


def build(model: type[M], data: dict[str, Any], prefix: str = "") -> M:
    """Validate `data` as `model`; the first error becomes MappingError(field, reason)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        name = f"{prefix}.{loc}" if prefix and loc else (prefix or loc or model.__name__)
        raise MappingError(name, first.get("msg", "invalid")) from None


_CANONICAL_TOPICS: dict[str, Topic] = {
    "signal": topics.SIGNALS,
    "account_context": topics.ACCOUNT_CONTEXT,
    "support_ticket": topics.SUPPORT_TICKETS,
    "outcome": topics.OUTCOMES,
}


def _event_identity(kind: str, value: BaseModel) -> tuple[str, str]:
    """(key, event id) for a canonical record: keyed by account, id from the record itself."""
    account_id = getattr(value, "account_id", None)
    if not account_id:
        raise MappingError("data.account_id", "required to key the record by account")
    if kind == "signal":
        return account_id, value.signal_id  # type: ignore[attr-defined]
    if kind == "outcome":
        return account_id, value.outcome_id  # type: ignore[attr-defined]
    if kind == "support_ticket":
        stamp = value.updated_at or value.created_at  # type: ignore[attr-defined]
        return account_id, f"ticket:{value.ticket_id}:{stamp.isoformat()}"  # type: ignore[attr-defined]
    return account_id, f"context:{account_id}:{value.as_of.isoformat()}"  # type: ignore[attr-defined]


def parse_canonical(body: Any) -> Mapped:
    """`{"type": "signal"|"account_context"|"support_ticket"|"outcome", "data": {...}}`."""
    if not isinstance(body, dict):
        raise MappingError("body", "must be a JSON object")
    kind = body.get("type")
    topic = _CANONICAL_TOPICS.get(kind) if isinstance(kind, str) else None
    if topic is None:
        raise MappingError("type", f"must be one of {sorted(_CANONICAL_TOPICS)}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise MappingError("data", "must be a JSON object")
    value = build(topic.model, data, prefix="data")
    key, event_id = _event_identity(kind, value)
    return Mapped(source="api", event_id=event_id, event_type=kind,
                  events=(CanonicalEvent(topic, key, value, event_id),))
