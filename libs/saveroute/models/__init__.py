"""The shapes saveroute moves around: one pydantic model per concept.

These models are the single source of truth for the data; the Avro schemas in
`schemas/` carry the same fields and `tests/unit/test_schema_agreement.py`
proves the two agree.
"""

from saveroute.models.enums import (
    ApprovalRole,
    BillingStatus,
    Cause,
    ChampionStatus,
    EvidenceIssue,
    Path,
    Segment,
    Sensitive,
    SignalKind,
    SignalSource,
    TicketStatus,
)
from saveroute.models.signal import Signal
from saveroute.models.account import AccountContext, Owner
from saveroute.models.ticket import SupportTicket
from saveroute.models.scenario import Scenario
from saveroute.models.enriched import EnrichedCase, AccountEvidence
from saveroute.models.classification import Classification, CueHit
from saveroute.models.saveplay import SavePlay, PlayAction, PlayPhase, SuccessCriterion
from saveroute.models.decision import Decision, DecisionError
from saveroute.models.classified import ClassifiedCase
from saveroute.models.approval import ApprovalDecision, ApprovalTask
from saveroute.models.outcome import Concession, Outcome
from saveroute.models.dead_letter import DeadLetter
from saveroute.models.escalation import Escalation
from saveroute.models.approval_chain import ApprovalChainState

__all__ = [
    "ApprovalChainState", "Escalation",
    "ApprovalDecision", "ApprovalTask", "ClassifiedCase", "Concession", "DeadLetter", "Outcome",
    "AccountContext", "AccountEvidence", "ApprovalRole", "BillingStatus", "Cause", "ChampionStatus",
    "Classification", "CueHit", "Decision", "DecisionError", "EnrichedCase", "EvidenceIssue",
    "Owner", "Path", "PlayAction", "PlayPhase", "SavePlay", "Scenario", "Segment", "Sensitive",
    "Signal", "SignalKind", "SignalSource", "SuccessCriterion", "SupportTicket", "TicketStatus",
]
