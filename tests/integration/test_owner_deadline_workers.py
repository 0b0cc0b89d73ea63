"""Deadline escalation on a real Redis and broker: fires once across competing workers, survives restarts."""

import threading
from datetime import timedelta

import pytest

from saveroute.models import ApprovalDecision, Escalation
from saveroute.owner.actions import DecisionRequest
from saveroute.owner.deadlines import epoch_seconds
from saveroute.owner.stores import OwnerStores
from saveroute.runtime import EventProducer
from saveroute.runtime.codec import codec_from_settings
from saveroute.topics import ESCALATIONS
from services.approvals.submit import DecisionService
from services.deadlines.worker import DeadlineWorker
from support.owner_factories import T0, make_decision, make_task
from support.owner_harness import RULES, owner_stores
from support.runtime_tools import wait_until

pytestmark = pytest.mark.integration
NOW = T0 + timedelta(hours=30)  # past every test task's 24-hour deadline


@pytest.fixture
def stores(redis_url, unique_prefix):
    with owner_stores(redis_url, unique_prefix) as stores:
        yield stores


def arm(stores, task):
    stores.tasks.put(task)
    stores.chains.append(task.task_id, task)
    stores.timers.schedule(task.task_id, epoch_seconds(task.due_at))


def escalations_for(settings, kafka_tools, prefix):
    codec = codec_from_settings(settings)
    found = [codec.decode(ESCALATIONS, r.value) for r in kafka_tools.read_all(ESCALATIONS.name)]
    return [e for e in found if e.task_id.startswith(prefix)]


def test_two_competing_workers_escalate_each_overdue_task_exactly_once(stores, runtime_settings, kafka_tools, unique_prefix):
    settings = runtime_settings()
    tasks = [make_task(task_id=f"{unique_prefix}-{i}", account_id=f"acct-{i % 3}") for i in range(20)]
    for task in tasks:
        arm(stores, task)
    answered = tasks[0]
    stores.chains.append(answered.task_id, make_decision(answered, "account_owner"))  # answered, timer still armed
    with EventProducer(settings) as producer:
        def publish(key: str, escalation: Escalation) -> None:
            producer.publish(ESCALATIONS, key, escalation, event_id=escalation.escalation_id)
            producer.flush(30.0)

        workers = [DeadlineWorker(stores, publish, RULES, lease_s=60, now=lambda: NOW, batch=3) for _ in range(2)]
        counts = [0, 0]
        start = threading.Barrier(2)

        def run(index: int) -> None:
            start.wait()
            for _ in range(20):
                counts[index] += workers[index].run_once()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sum(counts) == 19
    found = wait_until(lambda: (lambda e: e if len(e) >= 19 else None)(escalations_for(settings, kafka_tools, unique_prefix)),
                       message="19 escalations")
    assert sorted(e.task_id for e in found) == sorted(t.task_id for t in tasks[1:])
    assert len({e.escalation_id for e in found}) == 19
    assert all(e.escalate_to_id == "usr_mia" and e.due_at == T0 + timedelta(hours=24) for e in found)
    assert stores.timers.final_state(answered.task_id) == "cancelled"
    assert stores.timers.pending() == []


def test_timers_survive_a_restart_and_a_dead_workers_lease_is_taken_over(stores, redis_url, unique_prefix):
    task = make_task(task_id=f"{unique_prefix}-lease")
    arm(stores, task)
    published: list[Escalation] = []

    def crash(key, escalation):
        raise RuntimeError("worker died before publishing")

    with pytest.raises(RuntimeError):
        DeadlineWorker(stores, crash, RULES, lease_s=60, now=lambda: NOW).run_once()
    # a new process (new connection, same keys) before the lease expires: nothing to do
    restarted = OwnerStores.connect(redis_url, f"{unique_prefix}:owner:")
    worker = DeadlineWorker(restarted, lambda k, e: published.append(e), RULES, lease_s=60, now=lambda: NOW)
    assert worker.run_once() == 0
    # after the lease: taken over and fired once, then never again
    later = DeadlineWorker(restarted, lambda k, e: published.append(e), RULES, lease_s=60,
                           now=lambda: NOW + timedelta(minutes=2))
    assert later.run_once() == 1 and later.run_once() == 0
    assert [e.task_id for e in published] == [task.task_id]
    # a redelivered task does not re-arm a fired timer
    restarted.timers.schedule(task.task_id, epoch_seconds(task.due_at))
    assert later.run_once() == 0


def test_an_answer_before_the_deadline_cancels_the_timer(stores, unique_prefix):
    task = make_task(task_id=f"{unique_prefix}-answered")
    arm(stores, task)
    published: list[ApprovalDecision] = []
    answers = DecisionService(stores, lambda k, d: published.append(d), RULES, now=lambda: T0 + timedelta(hours=1))
    answer = answers.submit(DecisionRequest(task_id=task.task_id, role="account_owner", verdict="reject"))
    assert answer.chain.owner_responded and len(published) == 1
    assert stores.timers.final_state(task.task_id) == "cancelled"  # the answer itself stopped the timer
    assert stores.timers.cancel(task.task_id)  # cancelling again is harmless
    fired: list[Escalation] = []
    assert DeadlineWorker(stores, lambda k, e: fired.append(e), RULES, now=lambda: NOW).run_once() == 0
    assert fired == [] and stores.timers.final_state(task.task_id) == "cancelled"
    stores.timers.schedule(task.task_id, epoch_seconds(task.due_at))  # redelivered task: stays cancelled
    assert stores.timers.pending() == []
