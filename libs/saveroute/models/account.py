"""What the business knows about an account: plan, value, owner, contract, usage."""

from datetime import date
from typing import Annotated

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.enums import BillingStatus, ChampionStatus, Segment


class Owner(Model):
    id: str
    name: str
    email: str | None = None
    slack_user_id: str | None = None
    manager_id: str | None = None


class AccountContext(Model):
    account_id: str
    name: str | None = None
    plan: str | None = None
    segment: Segment | None = None
    arr: Annotated[float, Field(ge=0)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    gross_margin_pct: Annotated[float | None, Field(ge=-100, le=100)] = None
    tenure_months: Annotated[int | None, Field(ge=0)] = None
    owner: Owner
    billing_status: BillingStatus | None = None
    renewal_date: date | None = None
    contract_term_months: int | None = None
    auto_renew: bool | None = None
    seats_purchased: Annotated[int | None, Field(ge=0)] = None
    seats_active: Annotated[int | None, Field(ge=0)] = None
    usage_trend_pct_30d: float | None = None
    last_active_at: UtcDatetime | None = None
    health_score: Annotated[float | None, Field(ge=0, le=100)] = None
    champion_status: ChampionStatus | None = None
    exec_sponsor: bool | None = None
    as_of: UtcDatetime
