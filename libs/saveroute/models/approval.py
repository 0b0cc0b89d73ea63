"""The human side of a decision: the task an owner must answer, and their answers."""

from typing import Literal

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.enums import ApprovalRole, Cause, Path, Sensitive

ApprovalVerdict = Literal["approve", "reject", "changes"]


class ApprovalTask(Model):
    """One owner task per case; its id is stable so re-decisions update, never duplicate."""

    task_id: str
    case_id: str
    signal_id: str
    account_id: str
    account_name: str | None = None
    created_at: UtcDatetime
    due_at: UtcDatetime
    path: Path
    cause: Cause
    confidence: float
    approvers: list[ApprovalRole]
    sensitive: list[Sensitive] = Field(default_factory=list)
    offer_types: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    owner_id: str | None = None
    owner_name: str | None = None
    owner_slack_user_id: str | None = None
    owner_manager_id: str | None = None
    arr: float | None = None
    currency: str | None = None
    renewal_date: str | None = None
    segment: str | None = None
    source: str
    policy_version: str
    save_play_markdown: str | None = None
    revision: int = 1


class ApprovalDecision(Model):
    """One approver's answer on one task (idempotent per task and role)."""

    decision_id: str
    task_id: str
    case_id: str
    role: ApprovalRole
    verdict: ApprovalVerdict
    comment: str | None = None
    actor_id: str | None = None
    channel: Literal["slack", "api", "cli"] = "api"
    decided_at: UtcDatetime
