"""A save play held as data (seed 004's template); rendered to Markdown elsewhere."""

from datetime import date

from pydantic import Field

from saveroute.models._base import Model
from saveroute.models.enums import Cause


class PlayAction(Model):
    action: str
    owner: str  # a role ("CSM", "Support lead") or the owner's name
    due: date
    purpose: str


class PlayPhase(Model):
    name: str  # "Stabilise", "Address", "Rebuild"
    window: str  # "Week 1", "Weeks 2-4", "Weeks 4-8"
    actions: list[PlayAction] = Field(default_factory=list)


class SuccessCriterion(Model):
    criterion: str
    metric: str
    target: str
    timeline: str
    due: date


class SavePlay(Model):
    account_name: str
    owner_name: str | None = None
    arr: float | None = None
    currency: str | None = None
    risk_level: str  # High | Critical
    renewal_date: date | None = None
    days_to_renewal: int | None = None
    created: date
    cause: Cause
    diagnosis: str
    evidence: list[str] = Field(default_factory=list)
    phases: list[PlayPhase] = Field(default_factory=list)
    success_criteria: list[SuccessCriterion] = Field(default_factory=list)
    walk_away: list[str] = Field(default_factory=list)
    review_weekly_day: str
    manager_review: date
    decision_point: date
