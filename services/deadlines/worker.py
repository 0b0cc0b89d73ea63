"""Firing due deadline timers: claim atomically, check the task is still unanswered, publish.

Any number of workers may run: a due timer is claimed by exactly one of them (a Lua
script moves it from the pending set to an in-flight set under a lease). The claimer
publishes the `Escalation` (deterministic id) and then marks the timer fired; if it
dies in between, the lease expires and another worker publishes the same escalation
id again, which the alerts service treats as a duplicate. A task answered meanwhile
is cancelled instead of escalated.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone

from prometheus_client import Counter

from saveroute.models import Escalation
from saveroute.owner.chain import ChainRules
from saveroute.owner.deadlines import epoch_seconds, escalation_for, needs_escalation
from saveroute.owner.stores import OwnerStores

log = logging.getLogger(__name__)

FIRED = Counter("saveroute_deadline_escalations_total", "Deadline escalations published by this worker.")
SKIPPED = Counter("saveroute_deadline_skipped_total", "Claimed timers not escalated, by reason.", ["reason"])

Publish = Callable[[str, Escalation], None]


class DeadlineWorker:
    def __init__(self, stores: OwnerStores, publish: Publish, rules: ChainRules, lease_s: float = 60.0,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc), batch: int = 100) -> None:
        self.stores, self.publish, self.rules = stores, publish, rules
        self.lease_s, self.now, self.batch = lease_s, now, batch

    def run_once(self) -> int:
        """Fire every timer due now; returns how many escalations this worker published."""
        now = self.now()
        timers = self.stores.timers
        timers.reclaim_expired(epoch_seconds(now))
        fired = 0
        for task_id in timers.claim_due(epoch_seconds(now), self.lease_s, self.batch):
            task = self.stores.tasks.get(task_id)
            if task is None:
                timers.cancel(task_id)
                SKIPPED.labels("unknown_task").inc()
                continue
            if epoch_seconds(now) < epoch_seconds(task.due_at):
                timers.requeue(task_id, epoch_seconds(task.due_at))
                SKIPPED.labels("not_due").inc()
                continue
            state = self.stores.chains.state(task_id, self.rules)
            if not needs_escalation(task, state, now):
                timers.cancel(task_id)
                SKIPPED.labels("answered").inc()
                continue
            self.publish(task.account_id, escalation_for(task, state, now))  # raises: the lease retries it
            timers.fired(task_id)
            FIRED.inc()
            fired += 1
            log.info("escalated %s to %s", task_id, task.owner_manager_id or "the escalation channel")
        return fired

    def run(self, stop: threading.Event, poll_s: float) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # noqa: BLE001 — Redis or Kafka away: try again next tick
                log.warning("deadline tick failed: %s", exc)
            stop.wait(poll_s)
