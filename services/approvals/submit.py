"""Turning one checked decision request into one published `ApprovalDecision`, exactly once.

Order matters: a repeated answer is acknowledged as a duplicate before anything else
(so a double click never errors); an answer the chain does not expect is refused (409)
with the reason; otherwise the decision id (task + role + round) is claimed in Redis,
the decision is published and flushed, and only then the claim is marked done. A
failed publish releases the claim, so the answer can be given again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal, Protocol

from saveroute.models import ApprovalChainState, ApprovalDecision, ApprovalTask
from saveroute.owner.actions import DecisionRequest
from saveroute.owner.chain import ChainRules, apply, refusal
from saveroute.owner.ids import decision_id_for
from saveroute.owner.stores import OwnerStores

log = logging.getLogger(__name__)


class Publisher(Protocol):
    def __call__(self, key: str, decision: ApprovalDecision) -> None: ...


class Refused(Exception):
    """The request cannot be acted on: HTTP status, field and reason."""

    def __init__(self, status: int, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.status, self.field, self.reason = status, field, reason


@dataclass(frozen=True)
class Submitted:
    status: Literal["published", "duplicate"]
    decision_id: str
    round: int
    task: ApprovalTask
    chain: ApprovalChainState  # the chain as it is after this answer
    decision: ApprovalDecision | None = None  # None for a duplicate


class DecisionService:
    def __init__(self, stores: OwnerStores, publish: Publisher, rules: ChainRules,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.stores, self.publish, self.rules, self.now = stores, publish, rules, now

    def submit(self, request: DecisionRequest) -> Submitted:
        task = self.stores.tasks.get(request.task_id)
        state = self.stores.chains.state(request.task_id, self.rules) if task else None
        if task is None or state is None:
            raise Refused(404, "task_id", f"no task {request.task_id!r} is known (not issued yet, or expired)")
        round_ = request.round or state.round
        decision_id = decision_id_for(task.task_id, request.role, round_)
        if self.stores.claims.status(decision_id) == "done":
            return Submitted("duplicate", decision_id, round_, task, state)
        if round_ != state.round:
            raise Refused(409, "round", f"this message is for round {round_}; the chain is in round {state.round}")
        reason = refusal(state, request.role)
        if reason is not None:
            raise Refused(409, "role", reason)
        if self.stores.claims.claim(decision_id) != "claimed":
            return Submitted("duplicate", decision_id, round_, task, state)
        decision = ApprovalDecision(
            decision_id=decision_id, task_id=task.task_id, case_id=task.case_id, role=request.role,
            verdict=request.verdict, comment=request.comment, actor_id=request.actor_id,
            channel=request.channel, decided_at=self.now(),
        )
        try:
            self.publish(task.account_id, decision)
        except Exception as exc:
            self.stores.claims.release(decision_id)
            log.warning("could not publish decision %s: %s", decision_id, exc)
            raise Refused(503, "kafka", "the decision could not be published; nothing was recorded, try again") from exc
        self.stores.claims.done(decision_id)
        after = apply(state, decision, self.rules).state
        if after.owner_responded:
            self.stores.timers.cancel(task.task_id)
        return Submitted("published", decision_id, round_, task, after, decision)
