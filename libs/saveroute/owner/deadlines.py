"""The 48-hour rule's second half: an unanswered task escalates to the owner's manager, once.

Pure: whether a task is overdue and unanswered, and the `Escalation` event it becomes.
The timers themselves (a Redis sorted set scored by due time, claimed atomically so
one replica fires) live in `saveroute.owner.stores`.
"""

from datetime import datetime, timezone

from saveroute.models.approval import ApprovalTask
from saveroute.models.approval_chain import ApprovalChainState
from saveroute.models.escalation import Escalation
from saveroute.owner.chain import FINAL_STATUSES
from saveroute.owner.ids import escalation_id_for

MANAGER_LEVEL = 1


def epoch_seconds(moment: datetime) -> float:
    """A timestamp as a sorted-set score (naive datetimes are read as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def needs_escalation(task: ApprovalTask, state: ApprovalChainState | None, now: datetime) -> bool:
    """Due, and the first approver has not answered (any answer, even 'changes', counts)."""
    if epoch_seconds(now) < epoch_seconds(task.due_at):
        return False
    if state is None:
        return True
    return not state.owner_responded and state.status not in FINAL_STATUSES


def escalation_for(task: ApprovalTask, state: ApprovalChainState | None, now: datetime) -> Escalation:
    """The escalation event for an overdue task; its id is the same however often it is built."""
    awaiting = list(state.awaiting) if state is not None else list(task.approvers[:1])
    return Escalation(
        escalation_id=escalation_id_for(task.task_id, MANAGER_LEVEL),
        task_id=task.task_id,
        case_id=task.case_id,
        account_id=task.account_id,
        account_name=task.account_name,
        level=MANAGER_LEVEL,
        owner_id=task.owner_id,
        escalate_to_id=task.owner_manager_id,
        awaiting=awaiting,
        due_at=task.due_at,
        escalated_at=now,
    )
