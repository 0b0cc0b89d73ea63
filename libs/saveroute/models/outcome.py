"""What finally happened to a case: saved, downgraded, paused, churned or withdrawn."""

from typing import Literal

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime

OutcomeKind = Literal["saved", "downgraded", "paused", "churned", "withdrawn"]


class Concession(Model):
    type: str  # an offer type: discount, service_credit, pause, ...
    discount_pct: float | None = Field(default=None, ge=0, le=100)
    months: int | None = Field(default=None, ge=0)
    credit_amount: float | None = Field(default=None, ge=0)


class Outcome(Model):
    outcome_id: str  # the source's own event id (Stripe event id, CLI-generated id)
    case_id: str | None = None
    account_id: str
    outcome: OutcomeKind
    occurred_at: UtcDatetime
    retained_arr: float = Field(default=0, ge=0)
    currency: str = "USD"
    concession: Concession | None = None
    margin_after_pct: float | None = None
    source: str = "manual"
