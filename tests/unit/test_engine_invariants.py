"""Property tests: the engine's safety invariants hold for any valid scenario.

- every decision line validates against decision.schema.json, and valid input never raises;
- sensitive cases go to staff_escalation with no offer;
- a discount is drafted only for commercial or competitive causes, never first,
  never below the margin floor, and always with account_owner among the approvers;
- the same scenario and policy give the same decision, byte for byte.
"""

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saveroute.engine import decide
from saveroute.engine.offers import margin_after_discount
from saveroute.models import Scenario
from saveroute.policy import load_policy
from tests.support.engine_data import decision_schema, scenario

POLICY = load_policy()
VALIDATOR = jsonschema.Draft202012Validator(decision_schema())

PHRASES = [
    "too expensive", "it's not the price", "nobody uses it", "can't justify the cost", "support never replied",
    "the export keeps failing", "how do I connect SSO?", "our champion left", "moving to a competitor",
    "we were acquired", "closing the business", "pause over the winter", "refund me", "my lawyer will call",
    "this is a chargeback", "delete all our data under GDPR", "you are useless clowns", "INCOMPETENT!!",
    "my husband died", "I can't afford it", "budget was cut", "harga naik, bos tak approve bajet",
    "team jarang guna", "tak boleh harap langsung!!!", "idk just cancel", "", "20% off or we leave",
    "two-year term with custom terms", "we love it but not right now", "the real problem is support",
]
REASON_CODES = [None, "too_expensive", "missing_features", "switched_service", "unused", "customer_service",
                "too_complex", "low_quality", "other", "something_new"]


@st.composite
def scenarios(draw):
    text = " ".join(draw(st.lists(st.sampled_from(PHRASES), min_size=0, max_size=4))) or None
    if draw(st.booleans()):
        text = (text or "") + " " + draw(st.text(max_size=40))
    signal = {
        "source": draw(st.sampled_from(["billing", "helpdesk", "crm", "call", "product", "manual"])),
        "kind": draw(st.sampled_from(["cancellation_request", "churn_risk", "renewal_rejected",
                                      "price_concession_request", "downgrade_request", "value_complaint",
                                      "payment_failed"])),
        "reason_code": draw(st.sampled_from(REASON_CODES)),
        "requested_discount_pct": draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
        "contract_change_requested": draw(st.sampled_from([None, True, False])),
    }
    account = draw(st.one_of(st.none(), st.fixed_dictionaries({
        "arr": st.floats(0, 2_000_000, allow_nan=False),
        "gross_margin_pct": st.one_of(st.none(), st.floats(-100, 100, allow_nan=False)),
        "seats_purchased": st.one_of(st.none(), st.integers(0, 500)),
        "seats_active": st.one_of(st.none(), st.integers(0, 500)),
        "usage_trend_pct_30d": st.one_of(st.none(), st.floats(-100, 300, allow_nan=False)),
        "champion_status": st.sampled_from([None, "active", "departed", "unknown"]),
        "renewal_date": st.sampled_from([None, "2026-06-10", "2026-07-01", "2027-01-01", "2025-01-01"]),
        "as_of": st.sampled_from(["2026-05-31T12:00:00Z", "2026-04-01T12:00:00Z", "2026-05-02T12:00:00Z"]),
    })))
    tickets = draw(st.lists(st.fixed_dictionaries({
        "ticket_id": st.text("abc123", min_size=1, max_size=6),
        "status": st.sampled_from(["new", "open", "pending", "hold", "solved", "closed"]),
        "sla_breached": st.sampled_from([None, True, False]),
        "csat": st.sampled_from([None, "good", "bad"]),
        "created_at": st.sampled_from(["2026-05-20T00:00:00Z", "2026-01-01T00:00:00Z", "2026-05-31T00:00:00Z"]),
    }), max_size=4))
    return scenario(text, signal=signal, account=None if account is None else account, tickets=tickets)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_invariants_hold_for_any_valid_scenario(raw):
    parsed = Scenario.model_validate(raw)
    decision = decide(parsed, POLICY)
    line = decision.to_contract()
    VALIDATOR.validate(line)
    if decision.sensitive:
        assert line["path"] == "staff_escalation"
        assert line["offer_types"] == []
        assert line["approvers"] == ["staff"]
    if "discount" in line["offer_types"]:
        assert line["cause"] in ("commercial", "competitive")
        assert line["offer_types"][0] != "discount"
        assert "account_owner" in line["approvers"]
        assert decision.gross_margin_pct is not None and decision.drafted_discount_pct is not None
        assert margin_after_discount(decision.gross_margin_pct, decision.drafted_discount_pct) >= (
            POLICY.thresholds.margin_floor_pct
        )
    again = decide(Scenario.model_validate(json.loads(json.dumps(raw))), POLICY)
    assert json.dumps(again.to_contract()) == json.dumps(line)


@settings(max_examples=150, deadline=None)
@given(st.floats(0, 100, allow_nan=False), st.floats(-100, 100, allow_nan=False))
def test_discount_never_crosses_the_margin_floor(discount, margin):
    raw = scenario("the price is too high, we need 20% off", signal={"requested_discount_pct": discount},
                   account={"gross_margin_pct": margin})
    decision = decide(Scenario.model_validate(raw), POLICY)
    if "discount" in decision.offer_types:
        assert margin_after_discount(margin, discount) >= POLICY.thresholds.margin_floor_pct


@pytest.mark.parametrize(("discount", "margin", "drafted"), [(20, 60, True), (20, 32, True), (20, 31.9, False)])
def test_the_margin_floor_property_is_not_vacuous(discount, margin, drafted):
    """Both sides of the floor are reachable: 20 % off a 32 % margin leaves exactly the 15 % floor."""
    raw = scenario("the price is too high, we need 20% off", signal={"requested_discount_pct": discount},
                   account={"gross_margin_pct": margin})
    decision = decide(Scenario.model_validate(raw), POLICY)
    assert ("discount" in decision.offer_types) is drafted
