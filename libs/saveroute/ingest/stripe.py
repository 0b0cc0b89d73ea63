"""Stripe events → canonical saveroute events (pure; the HTTP layer verifies first).

| Stripe event | saveroute |
|---|---|
| customer.subscription.updated, cancellation newly requested (`cancel_at_period_end`, `cancel_at` or `cancellation_details` changed and now set) | Signal `billing`/`cancellation_request`, reason_code = feedback, reason_text = comment; `reason: payment_disputed` adds billing-dispute wording |
| customer.subscription.updated, `cancel_at_period_end` true → false | Outcome `withdrawn` (the customer took the cancellation back) |
| customer.subscription.deleted | Outcome `churned` |
| customer.subscription.paused | Outcome `paused` (retained ARR 0: nothing is billed while paused) |
| customer.subscription.resumed | Outcome `saved` with a `pause` concession and the subscription's ARR retained |
| invoice.payment_failed | Signal `billing`/`payment_failed` |
| charge.dispute.created | Signal `billing`/`payment_failed` whose text names the billing dispute (chargeback) |
| customer.subscription.* , customer.created/updated | a ContextPatch (see `stripe_billing`) |

`signal_id`/`outcome_id` is the Stripe event id; the account is `metadata.account_id`
when present, else the Stripe customer id. A dispute carries no customer: the
mapping uses the dispute's or an expanded charge's metadata/customer, else the
injected `charge_customer(charge_id)` lookup, else refuses with a MappingError.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from saveroute import topics
from saveroute.ingest.canonical import CanonicalEvent, ContextPatch, Mapped, build
from saveroute.ingest.errors import MappingError
from saveroute.ingest.stripe_billing import (
    account_id_of, currency_of, customer_facts, money, subscription_arr, subscription_facts,
)
from saveroute.ingest.values import dig, from_unix, id_of, need, text
from saveroute.models import Outcome, Signal

SOURCE = "stripe"
HANDLED = frozenset({
    "customer.subscription.created", "customer.subscription.updated",
    "customer.subscription.deleted", "customer.subscription.paused",
    "customer.subscription.resumed", "customer.created", "customer.updated",
    "invoice.payment_failed", "charge.dispute.created",
})
# Common catalogue names kept as their own metric label when ignored; anything else is "other".
KNOWN_IGNORED = frozenset({
    "charge.succeeded", "charge.failed", "charge.refunded", "charge.captured",
    "charge.dispute.closed", "charge.dispute.updated", "checkout.session.completed",
    "customer.deleted", "customer.subscription.pending_update_applied",
    "customer.subscription.trial_will_end", "invoice.created", "invoice.finalized",
    "invoice.paid", "invoice.payment_succeeded", "invoice.upcoming", "invoice.updated",
    "payment_intent.created", "payment_intent.succeeded", "payment_intent.payment_failed",
    "payment_method.attached", "plan.created", "price.created", "product.created",
})
CANCELLATION_KEYS = ("cancel_at_period_end", "cancel_at", "cancellation_details")
DISPUTE_TEXT = ("Billing dispute: the customer disputed a payment (chargeback) and the "
                "subscription was cancelled because of it.")

ChargeCustomer = Callable[[str], str | None]


def event_label(event_type: str) -> str:
    return event_type if event_type in HANDLED or event_type in KNOWN_IGNORED else "other"


def map_event(event: Any, charge_customer: ChargeCustomer | None = None) -> Mapped:
    """One Stripe event (the parsed webhook body) → Mapped, or MappingError."""
    if not isinstance(event, dict):
        raise MappingError("body", "a Stripe event must be a JSON object")
    event_id = text(need(event, "id"))
    event_type = text(need(event, "type")) or ""
    obj = dig(event, "data.object")
    if not isinstance(obj, dict):
        raise MappingError("data.object", "missing")
    if event_type not in HANDLED:
        return Mapped(SOURCE, event_id, event_label(event_type), handled=False)
    at = from_unix(need(event, "created"), "created")
    if event_type.startswith("customer.subscription."):
        return _subscription_event(event_id, event_type, obj, dig(event, "data.previous_attributes"), at)
    if event_type in ("customer.created", "customer.updated"):
        patch = ContextPatch(event_id=f"{event_id}#context", as_of=at, fields=customer_facts(obj),
                             account_id=text(dig(obj, "metadata.account_id")) or text(need(obj, "id", "data.object.id")))
        return Mapped(SOURCE, event_id, event_type, patches=(patch,))
    if event_type == "invoice.payment_failed":
        return Mapped(SOURCE, event_id, event_type, events=(_payment_failed(event_id, obj, at),))
    return Mapped(SOURCE, event_id, event_type, events=(_dispute(event_id, obj, at, charge_customer),))


def _subscription_event(event_id: str, event_type: str, sub: dict[str, Any],
                        previous: Any, at: datetime) -> Mapped:
    account_id = account_id_of(sub)
    if not account_id:
        raise MappingError("data.object.customer", "missing")
    patch = ContextPatch(event_id=f"{event_id}#context", as_of=at, account_id=account_id,
                         fields=subscription_facts(sub, at))
    events: list[CanonicalEvent] = []
    if event_type == "customer.subscription.updated":
        if _cancellation_requested(sub, previous):
            events.append(_signal(_cancellation_signal(event_id, account_id, sub, at)))
        elif _cancellation_withdrawn(sub, previous):
            events.append(_outcome(event_id, account_id, sub, "withdrawn", at))
    elif event_type == "customer.subscription.deleted":
        ended = sub.get("ended_at") or sub.get("canceled_at")
        events.append(_outcome(event_id, account_id, sub, "churned",
                               from_unix(ended, "data.object.ended_at") if ended else at))
    elif event_type == "customer.subscription.paused":
        events.append(_outcome(event_id, account_id, sub, "paused", at))
    elif event_type == "customer.subscription.resumed":
        events.append(_outcome(event_id, account_id, sub, "saved", at))
    return Mapped(SOURCE, event_id, event_type, events=tuple(events), patches=(patch,))


def _cancelling(sub: dict[str, Any]) -> bool:
    details = sub.get("cancellation_details") or {}
    return (sub.get("cancel_at_period_end") is True or bool(sub.get("cancel_at"))
            or any(details.get(k) for k in ("feedback", "comment"))
            or details.get("reason") in ("cancellation_requested", "payment_disputed"))


def _cancellation_requested(sub: dict[str, Any], previous: Any) -> bool:
    """Now cancelling, and this event changed the cancellation (any change when no diff is given)."""
    if not _cancelling(sub):
        return False
    if not isinstance(previous, dict):
        return True  # exports and hand-built events may omit previous_attributes
    return any(key in previous for key in CANCELLATION_KEYS)


def _cancellation_withdrawn(sub: dict[str, Any], previous: Any) -> bool:
    return (isinstance(previous, dict) and previous.get("cancel_at_period_end") is True
            and sub.get("cancel_at_period_end") is False and not sub.get("cancel_at")
            and sub.get("status") != "canceled")


def _cancellation_signal(event_id: str, account_id: str, sub: dict[str, Any], at: datetime) -> Signal:
    details = sub.get("cancellation_details") or {}
    comment = text(details.get("comment"))
    reason = details.get("reason")
    reason_text = comment
    if reason == "payment_disputed":
        reason_text = DISPUTE_TEXT + (f" Customer comment: {comment}" if comment else "")
    return build(Signal, {
        "signal_id": event_id, "source": "billing", "account_id": account_id, "occurred_at": at,
        "kind": "payment_failed" if reason == "payment_failed" else "cancellation_request",
        "reason_code": text(details.get("feedback")), "reason_text": reason_text,
    }, prefix="data.object")


def _payment_failed(event_id: str, invoice: dict[str, Any], at: datetime) -> CanonicalEvent:
    account_id = (text(dig(invoice, "metadata.account_id"))
                  or text(dig(invoice, "parent.subscription_details.metadata.account_id"))
                  or text(dig(invoice, "subscription_details.metadata.account_id"))
                  or id_of(invoice.get("customer")))
    if not account_id:
        raise MappingError("data.object.customer", "missing")
    currency = (text(invoice.get("currency")) or "usd").upper()
    amount = invoice.get("amount_remaining", invoice.get("amount_due"))
    # Plain billing words: "failed"/"error" read as a product fault to the classifier's cues.
    parts = [f"Stripe could not collect the payment of {money(amount or 0, currency)}"]
    if text(invoice.get("number")):
        parts.append(f"for invoice {invoice['number']}")
    if text(invoice.get("billing_reason")):
        parts.append(f"({invoice['billing_reason']})")
    sentence = " ".join(parts) + f", attempt {invoice.get('attempt_count') or 1}."
    if invoice.get("next_payment_attempt"):
        retry = from_unix(invoice["next_payment_attempt"], "data.object.next_payment_attempt")
        sentence += f" Next retry {retry.strftime('%Y-%m-%d %H:%M')} UTC."
    return _signal(build(Signal, {
        "signal_id": event_id, "source": "billing", "kind": "payment_failed",
        "account_id": account_id, "occurred_at": at, "reason_text": sentence,
    }, prefix="data.object"))


def _dispute(event_id: str, dispute: dict[str, Any], at: datetime,
             charge_customer: ChargeCustomer | None) -> CanonicalEvent:
    charge = dispute.get("charge")
    charge_id = id_of(charge)
    account_id = text(dig(dispute, "metadata.account_id"))
    if not account_id and isinstance(charge, dict):
        account_id = account_id_of(charge)
    if not account_id and charge_id and charge_customer is not None:
        account_id = charge_customer(charge_id)
    if not account_id:
        raise MappingError("data.object.charge",
                           "a dispute names no customer; set metadata.account_id, or configure "
                           "STRIPE_API_KEY so the gateway can look the charge up")
    currency = (text(dispute.get("currency")) or "usd").upper()
    reason = text(dispute.get("reason")) or "unknown"
    sentence = (f"Stripe charge.dispute.created - billing dispute (chargeback) opened by the "
                f"cardholder. Dispute reason: {reason}. Amount disputed: "
                f"{money(dispute.get('amount') or 0, currency)}.")
    return _signal(build(Signal, {
        "signal_id": event_id, "source": "billing", "kind": "payment_failed",
        "account_id": account_id, "occurred_at": at, "reason_text": sentence,
        "reason_code": None,
    }, prefix="data.object"))


def _signal(signal: Signal) -> CanonicalEvent:
    return CanonicalEvent(topics.SIGNALS, signal.account_id, signal, signal.signal_id)


def _outcome(event_id: str, account_id: str, sub: dict[str, Any], kind: str,
             at: datetime) -> CanonicalEvent:
    retained = subscription_arr(sub) if kind in ("saved", "withdrawn") else 0.0
    data: dict[str, Any] = {"outcome_id": event_id, "account_id": account_id, "outcome": kind,
                            "occurred_at": at, "retained_arr": retained, "source": SOURCE,
                            "currency": currency_of(sub) or "USD"}
    if kind == "saved":
        data["concession"] = {"type": "pause"}
    outcome = build(Outcome, data, prefix="data.object")
    return CanonicalEvent(topics.OUTCOMES, account_id, outcome, event_id)
