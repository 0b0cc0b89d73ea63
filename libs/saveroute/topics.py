"""Every Kafka topic saveroute uses: its name, the model it carries, how it is kept.

One place for topic names. Every topic is keyed by account id so one account's
events stay in order on one partition (dead letters keep the original key).
"""

from dataclasses import dataclass, field

from pydantic import BaseModel

from saveroute.models import (
    AccountContext,
    ApprovalChainState,
    ApprovalDecision,
    ApprovalTask,
    ClassifiedCase,
    DeadLetter,
    Decision,
    EnrichedCase,
    Escalation,
    Outcome,
    Signal,
    SupportTicket,
)


@dataclass(frozen=True)
class Topic:
    name: str
    model: type[BaseModel]
    record: str  # the Avro record name in schemas/
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)


SIGNALS = Topic("saveroute.signals.v1", Signal, "Signal")
ACCOUNT_CONTEXT = Topic("saveroute.account-context.v1", AccountContext, "AccountContext", compacted=True)
SUPPORT_TICKETS = Topic("saveroute.support-tickets.v1", SupportTicket, "SupportTicket")
ENRICHED_CASES = Topic("saveroute.enriched-cases.v1", EnrichedCase, "EnrichedCase")
CLASSIFIED_CASES = Topic("saveroute.classified-cases.v1", ClassifiedCase, "ClassifiedCase")
DECISIONS = Topic("saveroute.decisions.v1", Decision, "Decision")
APPROVAL_TASKS = Topic("saveroute.approval-tasks.v1", ApprovalTask, "ApprovalTask")
APPROVAL_DECISIONS = Topic("saveroute.approval-decisions.v1", ApprovalDecision, "ApprovalDecision")
OUTCOMES = Topic("saveroute.outcomes.v1", Outcome, "Outcome")
DEAD_LETTERS = Topic("saveroute.dead-letters.v1", DeadLetter, "DeadLetter")
ESCALATIONS = Topic("saveroute.escalations.v1", Escalation, "Escalation")
APPROVAL_CHAINS = Topic("saveroute.approval-chains.v1", ApprovalChainState, "ApprovalChainState")

ALL_TOPICS: tuple[Topic, ...] = (
    SIGNALS, ACCOUNT_CONTEXT, SUPPORT_TICKETS, ENRICHED_CASES, CLASSIFIED_CASES,
    DECISIONS, APPROVAL_TASKS, APPROVAL_DECISIONS, OUTCOMES, DEAD_LETTERS,
    ESCALATIONS, APPROVAL_CHAINS,
)


def by_name(name: str) -> Topic:
    for topic in ALL_TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(f"unknown topic {name!r}; known: {[t.name for t in ALL_TOPICS]}")
