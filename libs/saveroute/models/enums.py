"""Closed vocabularies shared by the contracts, the engine and the Avro schemas."""

from enum import Enum


class _StrEnum(str, Enum):
    def __str__(self) -> str:  # render as the bare value in text and Markdown
        return self.value


class SignalSource(_StrEnum):
    billing = "billing"
    helpdesk = "helpdesk"
    crm = "crm"
    call = "call"
    product = "product"
    manual = "manual"


class SignalKind(_StrEnum):
    cancellation_request = "cancellation_request"
    churn_risk = "churn_risk"
    renewal_rejected = "renewal_rejected"
    price_concession_request = "price_concession_request"
    downgrade_request = "downgrade_request"
    value_complaint = "value_complaint"
    payment_failed = "payment_failed"


class Segment(_StrEnum):
    smb = "smb"
    mid_market = "mid_market"
    enterprise = "enterprise"


class BillingStatus(_StrEnum):
    active = "active"
    trialing = "trialing"
    past_due = "past_due"
    paused = "paused"
    canceled = "canceled"


class ChampionStatus(_StrEnum):
    active = "active"
    departed = "departed"
    unknown = "unknown"


class TicketStatus(_StrEnum):
    new = "new"
    open = "open"
    pending = "pending"
    hold = "hold"
    solved = "solved"
    closed = "closed"


class TicketPriority(_StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Csat(_StrEnum):
    good = "good"
    bad = "bad"


class Cause(_StrEnum):
    commercial = "commercial"
    value = "value"
    service = "service"
    product_fit = "product_fit"
    relationship = "relationship"
    competitive = "competitive"
    customer_change = "customer_change"
    timing = "timing"
    unclear = "unclear"


class Path(_StrEnum):
    commercial_review = "commercial_review"
    value_proof = "value_proof"
    service_recovery = "service_recovery"
    product_gap = "product_gap"
    relationship_rebuild = "relationship_rebuild"
    competitive_defense = "competitive_defense"
    adapt_to_change = "adapt_to_change"
    pause_or_downgrade = "pause_or_downgrade"
    support_task = "support_task"
    staff_escalation = "staff_escalation"
    clean_exit = "clean_exit"
    human_review = "human_review"


class ApprovalRole(_StrEnum):
    account_owner = "account_owner"
    finance = "finance"
    executive = "executive"
    legal = "legal"
    staff = "staff"
    support = "support"


class Sensitive(_StrEnum):
    legal = "legal"
    refund = "refund"
    billing_dispute = "billing_dispute"
    data_deletion = "data_deletion"
    angry = "angry"


class EvidenceIssue(_StrEnum):
    missing_account = "missing_account"
    stale_account = "stale_account"
    contradictory = "contradictory"


# The approval order fixed by the contracts (policy.md, "Approvals").
APPROVER_ORDER = ["account_owner", "finance", "executive", "legal", "staff", "support"]
