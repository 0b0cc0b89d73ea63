"""What the counting logic remembers between events, and the state keys it lives under.

Ids appear only in keys, never in labels. Facts are small JSON documents.
"""

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CaseFacts:
    """What an outcome needs from its case's decision."""

    cause: str
    segment: str
    path: str
    gross_margin_pct: float | None = None
    account_id: str | None = None  # state only (never a label): lets `saveroute outcome` find the account


@dataclass(frozen=True)
class TaskFacts:
    """What an approval decision needs from its task."""

    case_id: str
    cause: str
    segment: str
    offer_type: str
    created_at: float  # epoch seconds
    due_at: float


@dataclass(frozen=True)
class PendingApproval:
    """An approval decision that arrived before its task."""

    decision_id: str
    verdict: str
    role: str
    decided_at: float


def dump(facts: CaseFacts | TaskFacts) -> str:
    return json.dumps(asdict(facts), sort_keys=True)


def load_case(text: str | None) -> CaseFacts | None:
    return CaseFacts(**json.loads(text)) if text else None


def load_task(text: str | None) -> TaskFacts | None:
    return TaskFacts(**json.loads(text)) if text else None


def load_pending(text: str | None) -> list[PendingApproval]:
    return [PendingApproval(**item) for item in json.loads(text)] if text else []


def dump_pending(items: list[PendingApproval]) -> str:
    return json.dumps([asdict(i) for i in items], sort_keys=True)


# State keys. `seen:*` are exactly-once marks keyed on each event's own id.
def seen_decision(signal_id: str) -> str:
    return f"seen:decision:{signal_id}"


def seen_task(task_id: str, revision: int) -> str:
    return f"seen:task:{task_id}:{revision}"


def seen_approval(decision_id: str) -> str:
    return f"seen:approval:{decision_id}"


def seen_outcome(outcome_id: str) -> str:
    return f"seen:outcome:{outcome_id}"


def case_key(case_id: str) -> str:
    return f"case:{case_id}"


def account_key(account_id: str) -> str:
    return f"account:{account_id}"  # the account's latest case, for outcomes without a case id


def task_key(task_id: str) -> str:
    return f"task:{task_id}"


def case_task_key(case_id: str) -> str:
    return f"casetask:{case_id}"


def responded_key(task_id: str) -> str:
    return f"responded:{task_id}"


def pending_key(task_id: str) -> str:
    return f"pending:{task_id}"


def case_closed_key(case_id: str) -> str:
    return f"closed:{case_id}"  # the case has an outcome: its owner task no longer waits


def pending_outcomes_key(case_id: str) -> str:
    return f"pending-outcomes:{case_id}"  # outcomes that arrived before their case's decision
