"""The decision for one scenario, and the contract line it is written as."""

from typing import Any

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime, iso_z
from saveroute.models.classification import Classification
from saveroute.models.enums import ApprovalRole, Cause, EvidenceIssue, Path, Sensitive
from saveroute.models.saveplay import SavePlay

class Decision(Model):
    signal_id: str
    case_id: str
    revision: int = 1
    account_id: str
    decided_at: UtcDatetime
    # When the source says the signal happened: measurement's signal-to-owner-task time.
    signal_occurred_at: UtcDatetime | None = None
    cause: Cause
    confidence: float = Field(ge=0, le=1)
    secondary_causes: list[Cause] = Field(default_factory=list)
    path: Path
    approvers: list[ApprovalRole]
    sensitive: list[Sensitive] = Field(default_factory=list)
    evidence_issues: list[EvidenceIssue] = Field(default_factory=list)
    offer_types: list[str] = Field(default_factory=list)
    drafted_discount_pct: float | None = None
    due_at: UtcDatetime
    owner_id: str | None = None
    owner_slack_user_id: str | None = None
    owner_manager_id: str | None = None
    evidence: list[str] = Field(default_factory=list)
    policy_version: str
    rules: list[str] = Field(default_factory=list)
    # Context carried for people and for measurement (bounded label values only).
    source: str
    kind: str
    segment: str | None = None
    arr: float | None = None
    currency: str | None = None
    gross_margin_pct: float | None = None
    account_name: str | None = None
    save_play: SavePlay | None = None
    classification: Classification | None = None

    def to_contract(self) -> dict[str, Any]:
        """The line `decision.schema.json` describes, keys in a fixed order."""
        return {
            "signal_id": self.signal_id,
            "cause": self.cause.value,
            "confidence": round(self.confidence, 4),
            "path": self.path.value,
            "approvers": [a.value for a in self.approvers],
            "sensitive": [s.value for s in self.sensitive],
            "evidence_issues": [e.value for e in self.evidence_issues],
            "offer_types": list(self.offer_types),
            "due_at": iso_z(self.due_at),
            "owner_id": self.owner_id,
            "evidence": list(self.evidence),
            "policy_version": self.policy_version,
            "rules": list(self.rules),
        }


class DecisionError(Model):
    """A scenario that could not be decided: which field, and why."""

    signal_id: str | None = None
    error: str

    def to_contract(self) -> dict[str, Any]:
        return {"signal_id": self.signal_id, "error": self.error}
