"""The root cause of a case, how sure we are, and what it rests on."""

from pydantic import Field

from saveroute.models._base import Model
from saveroute.models.enums import Cause, Sensitive


class CueHit(Model):
    """One piece of language or account evidence that moved the classification."""

    rule: str
    label: str  # a cause, a sensitive flag, or a facet such as "distress"
    weight: float
    text: str
    negated: bool = False


class Classification(Model):
    cause: Cause
    confidence: float = Field(ge=0, le=1)
    secondary_causes: list[Cause] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    sensitive: list[Sensitive] = Field(default_factory=list)
    distress: str | None = None  # "grief" or "hardship": distress that is not anger
    contradictory: bool = False
    reason_code_cause: Cause | None = None
    product_issue: str | None = None  # how_to | bug | feature_gap | complexity | limit
    walk_away: str | None = None  # closing | absorbed_by_parent
    contract_change: bool = False
    evidence: list[str] = Field(default_factory=list)
    cues: list[CueHit] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)
