"""One step of an approval chain, as an event: the chain's state after a task or a decision.

The chain itself is folded from events by `saveroute.owner.chain`; this snapshot
is what it publishes after every step so other services (and people reading the
topic) see where each case stands without replaying the decisions.
"""

from typing import Literal

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.approval import ApprovalVerdict
from saveroute.models.enums import ApprovalRole

ChainStatus = Literal["pending", "changes_requested", "approved", "rejected"]


class ApprovalChainState(Model):
    task_id: str
    case_id: str
    account_id: str
    revision: int = 1  # the task revision this chain runs on
    round: int = 1  # +1 each time changes are requested or the task is revised
    status: ChainStatus = "pending"
    approvers: list[ApprovalRole]  # the whole chain, policy order
    approved: list[ApprovalRole] = Field(default_factory=list)  # in this round
    awaiting: list[ApprovalRole] = Field(default_factory=list)  # whose answer is due now
    owner_responded: bool = False  # the first step answered at least once (stops the deadline)
    last_role: ApprovalRole | None = None
    last_verdict: ApprovalVerdict | None = None
    last_decision_id: str | None = None
    comment: str | None = None  # the reason given with the last reject / change request
    updated_at: UtcDatetime
