"""The metrics stage's batch handler: count the batch once, produce nothing.

A self-contradicting event becomes a dead letter with its field and reason; a
state store that keeps changing under the batch is a transient fault, retried
by the runtime without committing.
"""

from pydantic import BaseModel

from saveroute.measurement import CountingRules, StateBackend, StateConflict, count_batch
from saveroute.models import ApprovalDecision, ApprovalTask, Decision, Outcome
from saveroute.runtime import Err, InMessage, Ok
from saveroute.runtime.errors import TransientError
from saveroute.runtime.messages import Result
from saveroute.topics import APPROVAL_DECISIONS, APPROVAL_TASKS, DECISIONS, OUTCOMES, Topic

INPUTS: list[Topic] = [DECISIONS, APPROVAL_TASKS, APPROVAL_DECISIONS, OUTCOMES]

# What counting (saveroute.measurement.counting and .batch) and `event_id` read of the two
# large records, plus their fields without a default. The rest (a decision's save play,
# classification and evidence; a task's rendered save play: most of their bytes) is
# skipped by the runtime instead of decoded; those fields hold their defaults here.
# tests/unit/test_metrics_reads.py counts the dev set both ways and checks they agree.
READS: dict[str, frozenset[str]] = {
    DECISIONS.name: frozenset({
        "signal_id", "case_id", "account_id", "decided_at", "signal_occurred_at", "cause", "path",
        "source", "segment", "gross_margin_pct",
        "confidence", "approvers", "due_at", "policy_version", "kind",  # required
    }),
    APPROVAL_TASKS.name: frozenset({
        "task_id", "revision", "case_id", "cause", "segment", "offer_types", "created_at", "due_at",
        "signal_id", "account_id", "path", "confidence", "approvers", "source", "policy_version",  # required
    }),
}


def event_id(_topic: Topic, value: BaseModel) -> str:
    """Each input's own id; a task revision is a new event for the same task."""
    if isinstance(value, Decision):
        return f"decision:{value.signal_id}"
    if isinstance(value, ApprovalTask):
        return f"task:{value.task_id}:r{value.revision}"
    if isinstance(value, ApprovalDecision):
        return f"approval:{value.decision_id}"
    if isinstance(value, Outcome):
        return f"outcome:{value.outcome_id}"
    raise TypeError(f"metrics does not read {type(value).__name__}")


class MetricsHandler:
    def __init__(self, backend: StateBackend, rules: CountingRules) -> None:
        self.backend = backend
        self.rules = rules

    def __call__(self, messages: list[InMessage]) -> list[Result]:
        try:
            errors = count_batch([m.value for m in messages], self.backend, self.rules)
        except StateConflict as exc:
            raise TransientError("state_conflict", str(exc)) from exc
        return [Ok([]) if error is None else Err("invalid", error) for error in errors]
