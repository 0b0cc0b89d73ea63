"""An unanswered approval task escalated past its deadline to the owner's manager.

Emitted once per task (its id is deterministic), on `saveroute.escalations.v1`;
the alerts service turns it into a Slack message for the manager and the
measurement side can count missed deadlines from it.
"""

from typing import Literal

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.enums import ApprovalRole

EscalationReason = Literal["deadline_missed"]


class Escalation(Model):
    escalation_id: str  # deterministic from task id + level: re-firing is a duplicate
    task_id: str
    case_id: str
    account_id: str
    account_name: str | None = None
    reason: EscalationReason = "deadline_missed"
    level: int = Field(default=1, ge=1)  # 1 = the owner's manager
    owner_id: str | None = None
    escalate_to_id: str | None = None  # the owner's manager (`owner_manager_id`)
    awaiting: list[ApprovalRole] = Field(default_factory=list)
    due_at: UtcDatetime
    escalated_at: UtcDatetime
