"""Routing, approval and deadline rules at their boundaries, exactly as policy.md states them."""

import pytest

from saveroute.engine import decide
from saveroute.models import Scenario
from saveroute.policy import load_policy

from tests.support.engine_data import scenario

POLICY = load_policy()
PRICE = "We can't keep paying this much, the price is too high for our budget. Please lower the price."


def run(raw):
    return decide(Scenario.model_validate(raw), POLICY)


@pytest.mark.parametrize(
    ("discount", "approvers"),
    [(None, ["account_owner"]), (10, ["account_owner"]), (10.5, ["account_owner", "finance"]),
     (25, ["account_owner", "finance"]), (26, ["account_owner", "finance", "executive"])],
)
def test_discount_thresholds_add_finance_and_executive(discount, approvers):
    d = run(scenario(PRICE, signal={"kind": "price_concession_request", "requested_discount_pct": discount}))
    assert d.path.value == "commercial_review"
    assert [a.value for a in d.approvers] == approvers


@pytest.mark.parametrize(("arr", "executive"), [(249_999, False), (250_000, True)])
def test_strategic_accounts_add_executive(arr, executive):
    d = run(scenario(PRICE, account={"arr": arr}))
    assert ("executive" in [a.value for a in d.approvers]) is executive


def test_contract_change_adds_legal_last():
    d = run(scenario(PRICE, signal={"contract_change_requested": True, "requested_discount_pct": 30},
                     account={"arr": 300_000}))
    assert [a.value for a in d.approvers] == ["account_owner", "finance", "executive", "legal"]


@pytest.mark.parametrize(("margin", "path"), [(14.9, "clean_exit"), (15, "commercial_review"), (None, "commercial_review")])
def test_margin_floor_walk_away(margin, path):
    d = run(scenario(PRICE, account={"gross_margin_pct": margin}))
    assert d.path.value == path
    if path == "clean_exit":
        assert d.offer_types == [] and [a.value for a in d.approvers] == ["account_owner"]


@pytest.mark.parametrize(
    ("arr", "renewal", "hours"),
    [(49_999, "2026-12-01", 48), (50_000, "2026-12-01", 24), (10_000, "2026-07-01", 24), (10_000, "2026-07-02", 48)],
)
def test_deadline_48_hour_rule(arr, renewal, hours):
    d = run(scenario(PRICE, account={"arr": arr, "renewal_date": renewal}))
    assert (d.due_at - d.decided_at).total_seconds() == hours * 3600


@pytest.mark.parametrize(("as_of", "issue"), [("2026-05-02T12:00:00Z", None), ("2026-05-01T11:59:00Z", "stale_account")])
def test_stale_account_after_30_days(as_of, issue):
    d = run(scenario(PRICE, account={"as_of": as_of}))
    assert [e.value for e in d.evidence_issues] == ([issue] if issue else [])


def test_missing_account_goes_to_review():
    d = run(scenario(PRICE, account=None))
    assert d.path.value == "human_review" and [e.value for e in d.evidence_issues] == ["missing_account"]
    assert d.owner_id is None


def test_discount_is_drafted_last_and_only_for_commercial():
    d = run(scenario(PRICE))
    assert d.offer_types[-1] == "discount" and d.offer_types[0] != "discount"
    value = run(scenario("Nobody uses it, we can't justify the cost.", account={"seats_active": 1}))
    assert value.cause.value == "value" and "discount" not in value.offer_types


def test_discount_dropped_when_it_would_cross_the_floor():
    d = run(scenario(PRICE, signal={"requested_discount_pct": 40}, account={"gross_margin_pct": 40}))
    assert d.path.value == "commercial_review"
    assert "discount" not in d.offer_types
    assert "offer.discount.blocked_by_margin_floor" in d.rules


@pytest.mark.parametrize(
    ("overrides", "path"),
    [({}, "support_task"), ({"source": "call"}, "product_gap"), ({"arr": 50_000}, "product_gap")],
)
def test_support_task_boundaries(overrides, path):
    source = overrides.pop("source", "helpdesk")
    d = run(scenario("How do I export the customer list to CSV? I can't find it in settings.",
                     signal={"source": source}, account=overrides))
    assert d.path.value == path


def test_sla_breach_closes_the_support_route():
    tickets = [{"ticket_id": "t1", "status": "solved", "sla_breached": True, "csat": "bad",
                "created_at": "2026-05-01T00:00:00Z"}]
    d = run(scenario("The Zapier trigger fires twice since your update, please fix it.",
                     signal={"source": "helpdesk"}, tickets=tickets))
    assert d.path.value == "product_gap"


def test_sensitive_outranks_every_other_rule():
    d = run(scenario("Refund the charge or my lawyer files in small claims court.", account=None))
    assert d.path.value == "staff_escalation"
    assert [s.value for s in d.sensitive] == ["legal", "refund"]
    assert [a.value for a in d.approvers] == ["staff"] and d.offer_types == []


def test_every_decision_records_version_and_rules():
    d = run(scenario(PRICE))
    assert d.policy_version == POLICY.version
    assert d.rules[0] == "classify.cause.commercial"
    assert "route.by_cause.commercial" in d.rules and "deadline.standard" in d.rules


def test_save_play_has_three_phases_with_dates_from_now():
    d = run(scenario(PRICE))
    play = d.save_play
    assert [p.name for p in play.phases] == ["Stabilise", "Address", "Rebuild"]
    for phase in play.phases:
        assert phase.actions and all(a.due >= d.decided_at.date() for a in phase.actions)
    assert len(play.success_criteria) == 3 and play.walk_away
    assert "Dana Owner" in play.phases[0].actions[0].owner
