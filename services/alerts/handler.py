"""The alerts stage: keeps each task's approval chain and its Slack messages in step with events.

- an `ApprovalTask` starts (or, newer revision, restarts) its chain, arms the deadline
  timer and posts to the first approver — the owner's DM, or staff for sensitive cases;
- an `ApprovalDecision` advances the chain, stops the deadline once the owner answered,
  updates the posted messages and posts to whoever is awaited next;
- an `Escalation` tells the owner's manager.
Each applied step is published as an `ApprovalChainState` event. Slack being rate
limited or down past the client's own retries is a transient error: the runtime
retries the batch later, and nothing is posted twice because every write is idempotent.
"""

import logging

from pydantic import BaseModel
from slack_sdk.errors import SlackApiError

from saveroute.models import ApprovalDecision, ApprovalTask, Escalation
from saveroute.owner.blocks import decision_note
from saveroute.owner.chain import ChainRules
from saveroute.owner.deadlines import epoch_seconds
from saveroute.owner.messenger import Messenger
from saveroute.owner.slack import is_transient
from saveroute.owner.stores import OwnerStores
from saveroute.runtime import Err, InMessage, Ok, OutMessage
from saveroute.runtime.errors import TransientError
from saveroute.runtime.messages import Result
from saveroute.topics import APPROVAL_CHAINS, APPROVAL_DECISIONS, APPROVAL_TASKS, ESCALATIONS, Topic

log = logging.getLogger(__name__)
INPUTS = [APPROVAL_TASKS, APPROVAL_DECISIONS, ESCALATIONS]


def event_id(topic: Topic, value: BaseModel) -> str:
    """Tasks by id and revision (a revision is a new event), decisions and escalations by their ids."""
    if isinstance(value, ApprovalTask):
        return f"task:{value.task_id}:r{value.revision}"
    if isinstance(value, ApprovalDecision):
        return f"decision:{value.decision_id}"
    if isinstance(value, Escalation):
        return f"escalation:{value.escalation_id}"
    raise TypeError(f"alerts does not read {type(value).__name__} from {topic.name}")


class AlertsHandler:
    def __init__(self, stores: OwnerStores, messenger: Messenger, rules: ChainRules) -> None:
        self.stores, self.messenger, self.rules = stores, messenger, rules

    def __call__(self, messages: list[InMessage]) -> list[Result]:
        return [self._one(message.value) for message in messages]

    def _one(self, value: BaseModel) -> Result:
        try:
            if isinstance(value, ApprovalTask):
                return self._task(value)
            if isinstance(value, ApprovalDecision):
                return self._decision(value)
            if isinstance(value, Escalation):
                return self._escalation(value)
            return Err("invalid", f"unexpected {type(value).__name__}")
        except Exception as exc:
            if is_transient(exc):
                raise TransientError("slack_unavailable", f"{type(exc).__name__}: {exc}") from exc
            if isinstance(exc, SlackApiError):  # refused for good (channel_not_found, invalid_blocks, ...)
                return Err("handler_failed", f"slack: {exc}")
            raise

    def _task(self, task: ApprovalTask) -> Result:
        kept = self.stores.tasks.put(task)
        self.stores.chains.append(task.task_id, task)
        newest = task if kept else (self.stores.tasks.get(task.task_id) or task)
        step, current = self.stores.chains.step_and_state(task.task_id, task, self.rules)
        if current is None:
            return Err("handler_failed", f"task {task.task_id}: chain could not be started")
        self.stores.timers.schedule(task.task_id, epoch_seconds(newest.due_at))
        self.messenger.sync(newest, current)
        if step is None or not step.changed:
            return Ok([])
        return Ok([OutMessage(APPROVAL_CHAINS, task.account_id, step.state)])

    def _decision(self, decision: ApprovalDecision) -> Result:
        task = self.stores.tasks.get(decision.task_id)
        if task is None:
            return Err("invalid", f"task_id: no task {decision.task_id!r} is known to the owner loop")
        self.stores.chains.append(task.task_id, decision)
        step, current = self.stores.chains.step_and_state(task.task_id, decision, self.rules)
        if step is None or not step.changed:
            log.info("decision %s on %s changed nothing: %s", decision.decision_id, decision.task_id,
                     step.ignored_reason if step else "no chain")
            return Ok([])
        if step.state.owner_responded:
            self.stores.timers.cancel(task.task_id)
        current = current or step.state
        note = decision_note(decision) if current.last_decision_id == decision.decision_id else None
        self.messenger.sync(task, current, note)
        return Ok([OutMessage(APPROVAL_CHAINS, task.account_id, step.state)])

    def _escalation(self, escalation: Escalation) -> Result:
        self.messenger.escalate(escalation, self.stores.tasks.get(escalation.task_id))
        return Ok([])
