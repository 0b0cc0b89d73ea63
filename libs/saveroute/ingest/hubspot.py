"""HubSpot CRM webhooks → account-context patches (owner, segment, ARR, renewal, name).

HubSpot posts a JSON array of events; each `company.propertyChange` carries one
property. PROPERTY_FIELDS maps company properties to AccountContext fields (an
operator can pass their own map). The company is named `hubspot-company:<objectId>`
until a `saveroute_account_id` property change links it to saveroute's account id;
the gateway's context store remembers the link. Other subscription types are
acknowledged and counted. Idempotency key per event: `hubspot-<portalId>-<eventId>`.
"""

from collections.abc import Mapping
from typing import Any

from saveroute.ingest.canonical import ContextPatch, Mapped
from saveroute.ingest.errors import MappingError
from saveroute.ingest.values import from_unix_ms, need, text, to_date, to_float
from saveroute.models import Segment

SOURCE = "hubspot"
LINK_FIELD = "account_id"
PROPERTY_FIELDS: dict[str, str] = {
    "hubspot_owner_id": "owner.id",
    "name": "name",
    "saveroute_account_id": LINK_FIELD,
    "saveroute_segment": "segment",
    "saveroute_arr": "arr",
    "saveroute_currency": "currency",
    "saveroute_renewal_date": "renewal_date",
    "saveroute_plan": "plan",
}
KNOWN_TYPES = frozenset({
    "company.propertyChange", "company.creation", "company.deletion", "company.merge",
    "company.associationChange", "contact.propertyChange", "contact.creation",
    "contact.deletion", "deal.propertyChange", "deal.creation", "deal.deletion",
    "ticket.propertyChange", "ticket.creation", "object.propertyChange",
})
SEGMENTS = {"smb": "smb", "small_business": "smb", "mid_market": "mid_market",
            "midmarket": "mid_market", "mid": "mid_market", "enterprise": "enterprise",
            "ent": "enterprise"}


def event_label(subscription_type: str) -> str:
    return subscription_type if subscription_type in KNOWN_TYPES else "other"


def map_webhook(body: Any, property_fields: Mapping[str, str] = PROPERTY_FIELDS) -> list[Mapped]:
    """A HubSpot delivery (an array, or a single event object) → one Mapped per event."""
    events = body if isinstance(body, list) else [body]
    return [map_event(event, index, property_fields) for index, event in enumerate(events)]


def map_event(event: Any, index: int = 0,
              property_fields: Mapping[str, str] = PROPERTY_FIELDS) -> Mapped:
    where = f"[{index}]"
    if not isinstance(event, dict):
        raise MappingError(where, "each HubSpot event must be a JSON object")
    event_id = f"hubspot-{text(event.get('portalId')) or '0'}-{text(need(event, 'eventId', f'{where}.eventId'))}"
    kind = text(need(event, "subscriptionType", f"{where}.subscriptionType")) or ""
    if kind != "company.propertyChange":
        return Mapped(SOURCE, event_id, event_label(kind), handled=False)
    prop = text(need(event, "propertyName", f"{where}.propertyName")) or ""
    target = property_fields.get(prop)
    if target is None:
        return Mapped(SOURCE, event_id, kind, handled=False)
    company = text(need(event, "objectId", f"{where}.objectId"))
    at = from_unix_ms(need(event, "occurredAt", f"{where}.occurredAt"), f"{where}.occurredAt")
    value = event.get("propertyValue")
    alias = f"hubspot-company:{company}"
    if target == LINK_FIELD:
        account_id = text(value)
        if not account_id:
            raise MappingError(f"{where}.propertyValue", "an empty account id cannot link a company")
        patch = ContextPatch(event_id=event_id, as_of=at, account_id=account_id, alias=alias)
    else:
        fields = _field_value(target, value, f"{where}.propertyValue")
        patch = ContextPatch(event_id=event_id, as_of=at, alias=alias, fields=fields)
    return Mapped(SOURCE, event_id, kind, patches=(patch,))


def _field_value(target: str, value: Any, field: str) -> dict[str, Any]:
    raw = text(value)
    if raw is None:
        raise MappingError(field, f"empty value for {target}")
    if target == "owner.id":
        return {"owner": {"id": raw}}
    if target == "segment":
        key = raw.lower().replace("-", "_").replace(" ", "_")
        if key not in SEGMENTS:
            raise MappingError(field, f"unknown segment {raw!r}; expected one of {[s.value for s in Segment]}")
        return {"segment": SEGMENTS[key]}
    if target == "arr":
        return {"arr": to_float(raw, field)}
    if target == "currency":
        return {"currency": raw.upper()}
    if target == "renewal_date":
        return {"renewal_date": to_date(raw, field).isoformat()}
    return {target: raw}
