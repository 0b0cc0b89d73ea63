"""When an unanswered task escalates, and the escalation event it becomes."""

from datetime import timedelta

from saveroute.owner.chain import ChainRules, apply, start
from saveroute.owner.deadlines import escalation_for, needs_escalation
from saveroute.owner.ids import decision_id_for, escalation_id_for
from support.owner_factories import T0, make_decision, make_task

RULES = ChainRules()


def test_escalates_only_when_due_and_unanswered():
    task = make_task()
    state = start(task, RULES)
    assert not needs_escalation(task, state, task.due_at - timedelta(seconds=1))
    assert needs_escalation(task, state, task.due_at)
    assert needs_escalation(task, None, task.due_at + timedelta(hours=1))
    answered = apply(state, make_decision(task, "account_owner", "changes"), RULES).state
    assert not needs_escalation(task, answered, task.due_at + timedelta(hours=1))


def test_escalation_event_is_deterministic_and_names_the_manager():
    task = make_task()
    first = escalation_for(task, start(task, RULES), T0 + timedelta(hours=25))
    second = escalation_for(task, start(task, RULES), T0 + timedelta(hours=26))
    assert first.escalation_id == second.escalation_id == escalation_id_for("task_acme_1")
    assert first.escalate_to_id == "usr_mia" and first.owner_id == "usr_dana"
    assert [str(r) for r in first.awaiting] == ["account_owner"] and first.due_at == task.due_at


def test_ids_differ_by_role_round_and_task():
    ids = {decision_id_for("t1", "account_owner", 1), decision_id_for("t1", "account_owner", 2),
           decision_id_for("t1", "finance", 1), decision_id_for("t2", "account_owner", 1)}
    assert len(ids) == 4 and all(i.startswith("apd_") for i in ids)
