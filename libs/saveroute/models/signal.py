"""A retention signal: the source's own event that says a customer may leave."""

from typing import Annotated

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.enums import SignalKind, SignalSource


class Signal(Model):
    signal_id: Annotated[str, Field(min_length=1, max_length=200)]
    source: SignalSource
    kind: SignalKind
    account_id: Annotated[str, Field(min_length=1)]
    occurred_at: UtcDatetime
    reason_text: Annotated[str | None, Field(max_length=20000)] = None
    reason_code: str | None = None
    churn_risk_score: Annotated[float | None, Field(ge=0, le=1)] = None
    requested_discount_pct: Annotated[float | None, Field(ge=0, le=100)] = None
    contract_change_requested: bool | None = None
