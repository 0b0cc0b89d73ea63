"""Stripe event mapping against Stripe's own fixtures, 2017–2019 shapes and the 2025 invoice."""

from datetime import datetime, timezone

import pytest

from saveroute import topics
from saveroute.ingest import stripe as st
from saveroute.ingest.errors import MappingError
from saveroute.ingest.stripe_billing import annual_amount_minor, major_units, subscription_facts
from saveroute.models import Outcome, Signal
from support.ingest_fixtures import (
    cancelling_subscription, pay_rails_event, stripe_event, stripe_resource,
)


def only(mapped, topic):
    found = [e for e in mapped.events if e.topic is topic]
    assert len(found) == 1, mapped
    return found[0]


def test_portal_cancellation_first_event_without_feedback():
    sub = cancelling_subscription(None, None)
    mapped = st.map_event(stripe_event("evt_a", "customer.subscription.updated", sub,
                                       {"cancel_at_period_end": False}))
    event = only(mapped, topics.SIGNALS)
    signal: Signal = event.value
    assert (signal.signal_id, signal.account_id, signal.kind.value, signal.source.value) == (
        "evt_a", "cus_QXg1o8vcGmoR32", "cancellation_request", "billing")
    assert signal.reason_code is None and signal.reason_text is None
    assert event.key == "cus_QXg1o8vcGmoR32" and event.event_id == "evt_a"
    assert mapped.patches[0].account_id == "cus_QXg1o8vcGmoR32"


def test_second_portal_event_carries_feedback_and_comment():
    sub = cancelling_subscription("too_expensive", "price is fine, the exports keep failing")
    previous = {"cancellation_details": {"comment": None, "feedback": None, "reason": "cancellation_requested"}}
    signal = only(st.map_event(stripe_event("evt_b", "customer.subscription.updated", sub, previous)),
                  topics.SIGNALS).value
    assert signal.reason_code == "too_expensive"
    assert signal.reason_text == "price is fine, the exports keep failing"


def test_payment_disputed_cancellation_names_the_dispute():
    sub = cancelling_subscription(None, "I never agreed to this charge", reason="payment_disputed")
    signal = only(st.map_event(stripe_event("evt_c", "customer.subscription.updated", sub)),
                  topics.SIGNALS).value
    assert "dispute" in signal.reason_text.lower() and "chargeback" in signal.reason_text.lower()
    assert signal.reason_text.endswith("I never agreed to this charge")


def test_unrelated_update_while_cancelling_is_not_a_new_signal():
    sub = cancelling_subscription("unused", None)
    mapped = st.map_event(stripe_event("evt_d", "customer.subscription.updated", sub,
                                       {"latest_invoice": "in_1"}))
    assert mapped.events == () and len(mapped.patches) == 1


def test_withdrawn_cancellation_is_an_outcome():
    sub = stripe_resource("subscription")
    sub.update(cancel_at_period_end=False, cancel_at=None, status="active")
    outcome: Outcome = only(st.map_event(stripe_event(
        "evt_e", "customer.subscription.updated", sub, {"cancel_at_period_end": True})),
        topics.OUTCOMES).value
    assert outcome.outcome == "withdrawn" and outcome.retained_arr == 240.0


def test_old_2017_subscription_update_without_cancellation_details():
    mapped = st.map_event(pay_rails_event("evt_f", "customer.subscription.updated", "subscription.updated"))
    assert mapped.events == ()  # a plan change, not a cancellation
    facts = mapped.patches[0].fields
    assert facts["arr"] == 72.0  # $3.00 × 2 seats × 12 months
    assert facts["currency"] == "USD" and facts["billing_status"] == "canceled"
    assert facts["renewal_date"] == "2017-03-08"  # from the item's period end (no top-level one)


def test_old_subscription_deleted_is_a_churned_outcome_at_ended_at():
    mapped = st.map_event(pay_rails_event("evt_g", "customer.subscription.deleted", "subscription.deleted"))
    outcome = only(mapped, topics.OUTCOMES).value
    assert (outcome.outcome, outcome.account_id, outcome.retained_arr, outcome.source) == (
        "churned", "cus_00000000000000", 0.0, "stripe")
    assert outcome.occurred_at.year == 2019
    assert mapped.patches[0].fields["plan"] == "Beginner"


@pytest.mark.parametrize("event_type,kind", [("customer.subscription.paused", "paused"),
                                             ("customer.subscription.resumed", "saved")])
def test_pause_and_resume(event_type, kind):
    outcome = only(st.map_event(stripe_event("evt_p", event_type, stripe_resource("subscription"))),
                   topics.OUTCOMES).value
    assert outcome.outcome == kind
    if kind == "saved":
        assert outcome.concession.type == "pause" and outcome.retained_arr == 240.0


def test_2025_invoice_payment_failed():
    mapped = st.map_event(pay_rails_event("evt_i", "invoice.payment_failed", "invoice.payment_failed"))
    signal = only(mapped, topics.SIGNALS).value
    assert (signal.kind.value, signal.account_id) == ("payment_failed", "cus_1234")
    assert "USD 249.00" in signal.reason_text and "F612594F-0002" in signal.reason_text
    assert "attempt 1" in signal.reason_text


def test_invoice_account_id_from_subscription_metadata():
    event = pay_rails_event("evt_j", "invoice.payment_failed", "invoice.payment_failed")
    event["data"]["object"]["parent"]["subscription_details"]["metadata"]["account_id"] = "acc_42"
    assert only(st.map_event(event), topics.SIGNALS).value.account_id == "acc_42"


def test_dispute_needs_a_customer_and_names_the_dispute():
    event = stripe_event("evt_k", "charge.dispute.created", stripe_resource("dispute"))
    with pytest.raises(MappingError) as err:
        st.map_event(event)
    assert err.value.field == "data.object.charge"
    looked_up = []
    mapped = st.map_event(event, charge_customer=lambda cid: looked_up.append(cid) or "cus_9")
    signal = only(mapped, topics.SIGNALS).value
    assert looked_up == ["ch_1PgafuB7WZ01zgkWXYmPNZs8"] and signal.account_id == "cus_9"
    assert "billing dispute" in signal.reason_text and "USD 10.00" in signal.reason_text


def test_dispute_with_expanded_charge_uses_its_customer():
    dispute = stripe_resource("dispute")
    dispute["charge"] = {"id": "ch_1", "customer": "cus_exp", "metadata": {}}
    assert only(st.map_event(stripe_event("evt_l", "charge.dispute.created", dispute)),
                topics.SIGNALS).value.account_id == "cus_exp"


def test_account_id_and_owner_from_metadata():
    sub = cancelling_subscription("unused", None)
    sub["metadata"] = {"account_id": "acc_7", "owner_id": "usr_1", "owner_name": "Grace Obi",
                       "segment": "Mid-Market", "gross_margin_pct": "70"}
    mapped = st.map_event(stripe_event("evt_m", "customer.subscription.updated", sub))
    assert only(mapped, topics.SIGNALS).key == "acc_7"
    facts = mapped.patches[0].fields
    assert facts["owner"] == {"id": "usr_1", "name": "Grace Obi"}
    assert facts["segment"] == "mid_market" and facts["gross_margin_pct"] == 70.0


def test_customer_event_is_a_context_patch():
    mapped = st.map_event(stripe_event("evt_n", "customer.updated",
                                       {**stripe_resource("customer"), "name": "Rowan Realty"}))
    assert mapped.events == ()
    assert mapped.patches[0].fields == {"name": "Rowan Realty", "currency": "USD"}


def test_unknown_and_uninteresting_types_are_ignored_with_bounded_labels():
    plan_event = stripe_resource("event")  # Stripe's own fixture: a plan.created event
    mapped = st.map_event(plan_event)
    assert not mapped.handled and mapped.event_type == "plan.created"
    weird = st.map_event(stripe_event("evt_o", "made.up.type", {}))
    assert not weird.handled and weird.event_type == "other"


@pytest.mark.parametrize("event,field", [
    ({"type": "invoice.payment_failed", "data": {"object": {}}}, "id"),
    ({"id": "evt", "data": {"object": {}}}, "type"),
    ({"id": "evt", "type": "invoice.payment_failed"}, "data.object"),
    ({"id": "evt", "type": "invoice.payment_failed", "created": 1, "data": {"object": {}}},
     "data.object.customer"),
    ({"id": "evt", "type": "invoice.payment_failed", "created": "soon", "data": {"object": {}}},
     "created"),
])
def test_malformed_events_name_the_field(event, field):
    with pytest.raises(MappingError) as err:
        st.map_event(event)
    assert err.value.field == field


def test_arr_rules():
    sub = stripe_resource("subscription")
    assert annual_amount_minor(sub) == 24000  # price.recurring wins over the fixture's junk plan
    sub["items"]["data"][0]["price"]["recurring"] = {"interval": "year", "interval_count": 1}
    sub["items"]["data"][0]["quantity"] = 3
    assert annual_amount_minor(sub) == 6000
    sub["items"]["data"][0]["price"]["unit_amount"] = None
    sub["items"]["data"][0]["price"]["unit_amount_decimal"] = None
    sub["items"]["data"][0]["plan"]["amount"] = None
    assert annual_amount_minor(sub) is None  # tiered: no ARR claimed
    assert major_units(5000, "JPY") == 5000 and major_units(5000, "KWD") == 5.0


def test_subscription_facts_tenure_and_term():
    sub = stripe_resource("subscription")
    sub["start_date"] = 1735689600  # 2025-01-01
    facts = subscription_facts(sub, datetime(2026, 1, 5, tzinfo=timezone.utc))
    assert facts["tenure_months"] == 12 and facts["contract_term_months"] == 1
    assert facts["auto_renew"] is False  # cancel_at_period_end is true in the fixture
