"""Zendesk webhooks → SupportTicket context, plus a Signal when the customer says they are leaving.

Two body shapes arrive:
- event-subscription envelopes (`"type": "zen:event-type:ticket.*"`, `id`, `detail` = the ticket,
  `event` = what changed). Only `ticket.*` types are used; the rest are acknowledged and counted.
  Idempotency key: the envelope `id`. Signals come from `ticket.created` (subject + description)
  and public `ticket.comment_added` comments.
- trigger/automation bodies the admin writes (README shows the recommended JSON): a `ticket`
  object with the API's ticket field names, plus `account_id` and `latest_comment`.
  Idempotency key: a hash of the body (a retried delivery repeats the bytes).

The account is `account_id` in the body, else the ticket's organization `external_id`, else
`zendesk-org:<organization_id>`. Set the organization's external id to the billing account id
so tickets and billing events join.
"""

import hashlib
from typing import Any

from saveroute import topics
from saveroute.ingest.canonical import CanonicalEvent, Mapped, build
from saveroute.ingest.errors import MappingError
from saveroute.ingest.intent import match_intent
from saveroute.ingest.values import dig, from_iso, text
from saveroute.models import Signal, SupportTicket

SOURCE = "zendesk"
EVENT_PREFIX = "zen:event-type:"
SIGNAL_EVENTS = frozenset({"ticket.created", "ticket.comment_added"})
TICKET_EVENTS = frozenset({
    "ticket.created", "ticket.comment_added", "ticket.status_changed", "ticket.priority_changed",
    "ticket.subject_changed", "ticket.description_changed", "ticket.tags_changed",
    "ticket.organization_changed", "ticket.agent_assignment_changed",
    "ticket.group_assignment_changed", "ticket.custom_status_changed", "ticket.type_changed",
    "ticket.requester_changed", "ticket.merged", "ticket.marked_as_spam", "ticket.soft_deleted",
})
KNOWN_IGNORED = frozenset({
    "user.created", "user.deleted", "user.group_membership_created",
    "user.group_membership_deleted", "user.active_changed", "organization.created",
    "organization.deleted", "organization.external_id_changed",
    "messaging_ticket.message_added",
})
STATUS = {"new": "new", "open": "open", "pending": "pending", "hold": "hold", "on-hold": "hold",
          "on_hold": "hold", "solved": "solved", "closed": "closed"}
PRIORITY = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
CSAT = {"good": "good", "bad": "bad"}


def event_label(short_type: str) -> str:
    return short_type if short_type in TICKET_EVENTS or short_type in KNOWN_IGNORED else "other"


def map_webhook(body: Any, raw: bytes) -> Mapped:
    if not isinstance(body, dict):
        raise MappingError("body", "a Zendesk webhook body must be a JSON object")
    kind = body.get("type")
    if isinstance(kind, str) and kind.startswith(EVENT_PREFIX):
        return _map_event(body, kind[len(EVENT_PREFIX):])
    if isinstance(body.get("ticket"), dict):
        return _map_trigger(body, raw)
    raise MappingError("ticket", "missing: expected a zen:event-type envelope or a `ticket` object")


def _map_event(body: dict[str, Any], short_type: str) -> Mapped:
    event_id = text(body.get("id"))
    if not event_id:
        raise MappingError("id", "missing")
    if short_type not in TICKET_EVENTS:
        return Mapped(SOURCE, event_id, event_label(short_type), handled=False)
    detail = body.get("detail")
    if not isinstance(detail, dict):
        raise MappingError("detail", "missing")
    ticket = _ticket(detail, body, "detail")
    said = occurred = None
    if short_type in SIGNAL_EVENTS:
        said = _customer_text(short_type, detail, body.get("event") or {})
        occurred = body.get("time") or detail.get("updated_at") or detail.get("created_at")
    return _ticket_and_intent(event_id, short_type, ticket, said, occurred, "time")


def _customer_text(short_type: str, detail: dict[str, Any], change: dict[str, Any]) -> str | None:
    if short_type == "ticket.created":
        parts = [text(detail.get("subject")), text(detail.get("description"))]
        return "\n\n".join(p for p in parts if p) or None
    comment = change.get("comment") if isinstance(change.get("comment"), dict) else {}
    if comment.get("is_public") is False or dig(comment, "author.is_staff") is True:
        return None  # internal notes and agent replies are not the customer speaking
    return text(comment.get("body"))


def _map_trigger(body: dict[str, Any], raw: bytes) -> Mapped:
    detail = body["ticket"]
    event_id = "zd-trigger-" + hashlib.sha256(raw).hexdigest()[:32]
    ticket = _ticket(detail, body, "ticket")
    said = text(body.get("latest_comment")) or text(detail.get("latest_comment")) \
        or "\n\n".join(p for p in (text(detail.get("subject")), text(detail.get("description"))) if p)
    occurred = detail.get("updated_at") or detail.get("created_at")
    return _ticket_and_intent(event_id, "trigger", ticket, said, occurred, "ticket.updated_at")


def _account_id(detail: dict[str, Any], body: dict[str, Any], prefix: str) -> str:
    explicit = (text(body.get("account_id")) if not str(body.get("type", "")).startswith(EVENT_PREFIX)
                else None)  # an envelope's account_id is the Zendesk account, not the customer
    found = (explicit or text(detail.get("account_id"))
             or text(dig(detail, "organization.external_id"))
             or text(detail.get("organization_external_id")))
    if found:
        return found
    org = text(detail.get("organization_id"))
    if org and org != "0":
        return f"zendesk-org:{org}"
    raise MappingError(f"{prefix}.organization_id",
                       "missing: cannot tell which account the ticket belongs to")


def _ticket(detail: dict[str, Any], body: dict[str, Any], prefix: str) -> SupportTicket:
    ticket_id = text(detail.get("id"))
    if not ticket_id:
        raise MappingError(f"{prefix}.id", "missing")
    raw_status = (text(detail.get("status")) or "").lower()
    if raw_status not in STATUS:
        raise MappingError(f"{prefix}.status", f"missing or unknown: {detail.get('status')!r}")
    created = detail.get("created_at")
    if not created:
        raise MappingError(f"{prefix}.created_at", "missing")
    tags = detail.get("tags")
    tag_list = tags.split() if isinstance(tags, str) else tags if isinstance(tags, list) else []
    breached = detail.get("sla_breached")
    rating = dig(detail, "satisfaction_rating.score") or detail.get("satisfaction")
    data = {
        "ticket_id": ticket_id,
        "account_id": _account_id(detail, body, prefix),
        "status": STATUS[raw_status],
        "created_at": from_iso(created, f"{prefix}.created_at"),
        "updated_at": from_iso(detail["updated_at"], f"{prefix}.updated_at")
        if detail.get("updated_at") else None,
        "priority": PRIORITY.get((text(detail.get("priority")) or "").lower()),
        "subject": text(detail.get("subject")),
        "sla_breached": breached if isinstance(breached, bool) else
        (True if "sla_breached" in tag_list else None),
        "csat": CSAT.get((text(rating) or "").lower()),
    }
    return build(SupportTicket, data, prefix=prefix)


def _ticket_and_intent(event_id: str, event_type: str, ticket: SupportTicket, said: str | None,
                       occurred: Any, occurred_field: str) -> Mapped:
    """The ticket as support context, plus a helpdesk Signal when `said` shows intent to leave."""
    account_id = ticket.account_id or ""
    events = [CanonicalEvent(topics.SUPPORT_TICKETS, account_id, ticket, f"{event_id}#ticket")]
    phrase = match_intent(said)
    if phrase is None or not occurred:
        return Mapped(SOURCE, event_id, event_type, events=tuple(events))
    signal = build(Signal, {
        "signal_id": event_id, "source": "helpdesk", "kind": phrase.kind.value,
        "account_id": account_id, "occurred_at": from_iso(occurred, occurred_field),
        "reason_text": (said or "")[:20000],
    })
    events.append(CanonicalEvent(topics.SIGNALS, account_id, signal, event_id))
    return Mapped(SOURCE, event_id, event_type, events=tuple(events), notes=(phrase.phrase_id,))
