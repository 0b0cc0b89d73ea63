"""Count a batch of events against a state backend: one fetch, one atomic apply.

Within a batch, decisions are counted before tasks, tasks before approvals and
approvals (earliest first) before outcomes, so a case decided and closed in the
same batch joins as it would across batches. Across batches the first answer to
arrive on a task is its first response (one task's answers come in order). When the backend reports that another worker
changed a key this batch read, the whole batch is counted again from fresh state.
"""

from collections.abc import Sequence

from pydantic import BaseModel

from saveroute.measurement.counting import CountingRules, InvalidEvent, count, keys_for, validate
from saveroute.measurement.ledger import Ledger, StateBackend
from saveroute.models import ApprovalDecision, ApprovalTask, Decision, Outcome

_ORDER: dict[type, int] = {Decision: 0, ApprovalTask: 1, ApprovalDecision: 2, Outcome: 3}


def _order_key(event: BaseModel) -> tuple[int, float]:
    # Answers on a task in one batch are taken earliest first: the first is the owner's response.
    when = event.decided_at.timestamp() if isinstance(event, ApprovalDecision) else 0.0
    return _ORDER[type(event)], when


class StateConflict(RuntimeError):
    """Other writers kept changing the keys this batch reads; retried and gave up."""


def count_batch(events: Sequence[BaseModel], backend: StateBackend, rules: CountingRules,
                attempts: int = 8) -> list[str | None]:
    """Count every valid event once; return, per event in order, None or why it is invalid."""
    errors: list[str | None] = [None] * len(events)
    valid: list[int] = []
    for i, event in enumerate(events):
        try:
            validate(event)
            valid.append(i)
        except InvalidEvent as exc:
            errors[i] = str(exc)
    valid.sort(key=lambda i: _order_key(events[i]))
    keys = sorted({key for i in valid for key in keys_for(events[i])})
    if not keys:
        return errors
    for _ in range(attempts):
        ledger = Ledger(backend.fetch(keys))
        for i in valid:
            count(events[i], ledger, rules)
        if backend.apply(ledger.changes):
            return errors
    raise StateConflict(f"state kept changing under a batch of {len(events)} events")
