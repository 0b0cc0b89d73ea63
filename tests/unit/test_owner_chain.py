"""The approval-chain state machine: every path, parallel review, change requests, rebuild."""

import pytest

from saveroute.owner.chain import ChainRules, apply, fold, refusal, revise, stages, start, step
from support.owner_factories import make_decision, make_task

PARALLEL = ChainRules(parallel_review=True)
SERIAL = ChainRules(parallel_review=False)


def roles(values):
    return [str(v) for v in values]


def test_stages_follow_policy_order_with_parallel_finance_and_executive():
    approvers = ["legal", "executive", "account_owner", "finance"]
    assert [roles(s) for s in stages(approvers, PARALLEL)] == [["account_owner"], ["finance", "executive"], ["legal"]]
    assert [roles(s) for s in stages(approvers, SERIAL)] == [["account_owner"], ["finance"], ["executive"], ["legal"]]


def test_owner_answers_first_and_nobody_else_is_awaited():
    state = start(make_task(), PARALLEL)
    assert state.status == "pending" and roles(state.awaiting) == ["account_owner"]
    early = apply(state, make_decision(make_task(), "finance"), PARALLEL)
    assert not early.changed and "not awaited yet" in early.ignored_reason


def test_full_parallel_chain_completes_when_everyone_approves():
    task = make_task()
    state = start(task, PARALLEL)
    state = apply(state, make_decision(task, "account_owner"), PARALLEL).state
    assert roles(state.awaiting) == ["finance", "executive"] and state.owner_responded
    state = apply(state, make_decision(task, "executive", minutes=40), PARALLEL).state
    assert roles(state.awaiting) == ["finance"] and state.status == "pending"
    state = apply(state, make_decision(task, "finance", minutes=50), PARALLEL).state
    assert roles(state.awaiting) == ["legal"]
    state = apply(state, make_decision(task, "legal", minutes=60), PARALLEL).state
    assert state.status == "approved" and state.awaiting == []
    assert roles(state.approved) == ["account_owner", "finance", "executive", "legal"]


def test_serial_review_waits_for_finance_before_executive():
    task = make_task()
    state = apply(start(task, SERIAL), make_decision(task, "account_owner"), SERIAL).state
    assert roles(state.awaiting) == ["finance"]
    assert not apply(state, make_decision(task, "executive"), SERIAL).changed
    state = apply(state, make_decision(task, "finance"), SERIAL).state
    assert roles(state.awaiting) == ["executive"]


def test_any_reject_ends_the_chain():
    task = make_task()
    state = apply(start(task, PARALLEL), make_decision(task, "account_owner"), PARALLEL).state
    state = apply(state, make_decision(task, "finance", "reject", comment="margin too thin"), PARALLEL).state
    assert state.status == "rejected" and state.awaiting == [] and state.comment == "margin too thin"
    late = apply(state, make_decision(task, "executive"), PARALLEL)
    assert not late.changed and "already rejected" in late.ignored_reason


def test_changes_return_the_chain_to_the_owner_in_a_new_round():
    task = make_task()
    state = apply(start(task, PARALLEL), make_decision(task, "account_owner"), PARALLEL).state
    state = apply(state, make_decision(task, "finance", "changes", comment="offer 10% not 20%"), PARALLEL).state
    assert state.status == "changes_requested" and state.round == 2
    assert roles(state.awaiting) == ["account_owner"] and state.approved == []
    assert state.comment == "offer 10% not 20%"
    # a round-1 answer (an old button) no longer counts
    stale = apply(state, make_decision(task, "executive", round_=1), PARALLEL)
    assert not stale.changed and "not for round 2" in stale.ignored_reason
    state = apply(state, make_decision(task, "account_owner", round_=2), PARALLEL).state
    assert state.status == "pending" and roles(state.awaiting) == ["finance", "executive"]


def test_a_repeated_decision_changes_nothing():
    task = make_task()
    decision = make_decision(task, "account_owner")
    state = apply(start(task, PARALLEL), decision, PARALLEL).state
    again = apply(state, decision, PARALLEL)
    assert not again.changed and "already approved" in again.ignored_reason
    assert refusal(state, "account_owner") == "account_owner already approved in round 1"


def test_owner_only_chain_and_staff_chain_complete_on_one_answer():
    owner_only = make_task(approvers=["account_owner"])
    state = apply(start(owner_only, PARALLEL), make_decision(owner_only, "account_owner"), PARALLEL).state
    assert state.status == "approved"
    staff = make_task(path="staff_escalation", approvers=["staff"], offer_types=[])
    state = start(staff, PARALLEL)
    assert roles(state.awaiting) == ["staff"]
    state = apply(state, make_decision(staff, "staff"), PARALLEL).state
    assert state.status == "approved" and state.owner_responded


def test_a_newer_task_revision_restarts_the_chain_and_older_ones_are_ignored():
    task = make_task()
    state = apply(start(task, PARALLEL), make_decision(task, "account_owner"), PARALLEL).state
    assert not revise(state, task, PARALLEL).changed
    revised = revise(state, make_task(revision=2, approvers=["account_owner", "finance"]), PARALLEL)
    assert revised.changed and revised.state.round == 2 and revised.state.revision == 2
    assert roles(revised.state.awaiting) == ["account_owner"] and roles(revised.state.approvers) == ["account_owner", "finance"]


def test_rebuilding_from_events_gives_the_same_state_as_stepping():
    task = make_task()
    events = [
        task,
        make_decision(task, "finance"),  # out of turn: ignored in both
        make_decision(task, "account_owner", minutes=10),
        make_decision(task, "account_owner", minutes=11),  # duplicate
        make_decision(task, "executive", "changes", comment="smaller", minutes=20),
        make_decision(task, "account_owner", round_=2, minutes=30),
        make_decision(task, "finance", round_=2, minutes=40),
        make_decision(task, "executive", round_=2, minutes=50),
    ]
    state = None
    for event in events:
        result = step(state, event, PARALLEL)
        state = result.state if result else state
    assert fold(events, PARALLEL) == state
    assert state.round == 2 and roles(state.awaiting) == ["legal"] and state.status == "pending"


def test_a_decision_before_its_task_has_nothing_to_apply_to():
    task = make_task()
    assert step(None, make_decision(task, "account_owner"), PARALLEL) is None
    assert fold([make_decision(task, "account_owner"), task], PARALLEL).status == "pending"


def test_a_task_without_approvers_is_refused():
    with pytest.raises(ValueError, match="approvers"):
        start(make_task(approvers=[]), PARALLEL)
