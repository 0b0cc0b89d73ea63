"""A signal joined with its account and tickets, plus the evidence derived from them."""

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.account import AccountContext
from saveroute.models.enums import EvidenceIssue
from saveroute.models.signal import Signal
from saveroute.models.ticket import SupportTicket


class AccountEvidence(Model):
    """Facts an owner would check, computed from the account and tickets at `now`."""

    context_age_days: float | None = None
    seat_utilisation_pct: float | None = None
    usage_trend_pct_30d: float | None = None
    usage_collapsed: bool = False
    usage_healthy: bool = False
    sla_breaches_90d: int = 0
    open_tickets_90d: int = 0
    bad_csat_90d: int = 0
    tickets_90d: int = 0
    champion_departed: bool = False
    days_to_renewal: int | None = None
    renewal_within_30d: bool = False
    tenure_months: int | None = None
    gross_margin_pct: float | None = None
    below_margin_floor: bool = False
    high_value: bool = False
    strategic: bool = False
    # Plain-words lines an owner can check, in a fixed order.
    notes: list[str] = Field(default_factory=list)


class EnrichedCase(Model):
    case_id: str
    now: UtcDatetime
    signal: Signal
    account: AccountContext | None = None
    tickets: list[SupportTicket] = Field(default_factory=list)
    evidence: AccountEvidence
    evidence_issues: list[EvidenceIssue] = Field(default_factory=list)
    policy_version: str
    rules: list[str] = Field(default_factory=list)
    # One case per churn episode: the case's earlier signals, oldest first, and how
    # many times the case has been (re-)decided.
    related_signals: list[Signal] = Field(default_factory=list)
    revision: int = 1
