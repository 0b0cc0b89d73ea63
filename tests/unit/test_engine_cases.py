"""One case per churn episode: later signals re-decide the case with all its evidence."""

from saveroute.engine import approval_task_for, classify, enrich, route
from saveroute.models import Scenario, Signal
from saveroute.policy import load_policy
from tests.support.engine_data import scenario

POLICY = load_policy()


def decide_case(raw, related, revision):
    case = enrich(Scenario.model_validate(raw), POLICY, case_id="case-evt_1", related_signals=related, revision=revision)
    return route(case, classify(case, POLICY), POLICY)


def signal(raw):
    return Signal.model_validate(raw["signal"])


def test_portal_cancellation_second_event_brings_the_feedback():
    first = scenario(None, signal={"signal_id": "evt_1", "reason_code": None})
    second = scenario("the exports keep failing, that's why", signal={"signal_id": "evt_2", "reason_code": "low_quality"})
    d = decide_case(second, [signal(first)], revision=2)
    assert (d.case_id, d.revision, d.signal_id) == ("case-evt_1", 2, "evt_2")
    assert d.cause.value == "product_fit"
    task = approval_task_for(d)
    assert task.task_id == "task-case-evt_1" and task.revision == 2


def test_an_angry_ticket_after_a_billing_cancellation_escalates_the_whole_case():
    billing = scenario("too expensive", signal={"signal_id": "evt_1", "reason_code": "too_expensive"})
    ticket = scenario("You people are useless. Cancel it NOW!!", signal={"signal_id": "zd-9", "source": "helpdesk"})
    d = decide_case(ticket, [signal(billing)], revision=2)
    assert d.path.value == "staff_escalation" and [s.value for s in d.sensitive] == ["angry"]
    assert d.cause.value == "commercial"  # the reason still comes from the billing words


def test_earlier_discount_ask_and_contract_change_carry_over():
    ask = scenario("we need 30% off", signal={"signal_id": "evt_1", "requested_discount_pct": 30,
                                              "contract_change_requested": True, "kind": "price_concession_request"})
    follow = scenario("budget was cut, the price is too high", signal={"signal_id": "evt_2"})
    d = decide_case(follow, [signal(ask)], revision=2)
    assert [a.value for a in d.approvers] == ["account_owner", "finance", "executive", "legal"]


def test_a_case_without_related_signals_is_the_plain_decision():
    raw = scenario("too expensive")
    alone = decide_case(raw, [], revision=1)
    assert alone.revision == 1 and alone.cause.value == "commercial"
