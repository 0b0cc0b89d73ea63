"""Pure counting: what each decision, task, approval and outcome adds to the metrics.

Every event is counted exactly once, keyed on its own id (decision signal_id,
task_id + revision, approval decision_id, outcome_id). Joins go through the
`Ledger`: an outcome takes its case's cause and segment from the decision; an
approval takes its task's creation time and first offer type. An approval that
arrives before its task waits in state and is counted when the task lands, so
the order topics are read in never changes the numbers. Likewise an outcome that
names a case not decided yet waits for that decision (a metrics service reading
all four topics from the start meets outcomes and decisions in any order).
"""

import json
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from saveroute.measurement import catalog as m
from saveroute.measurement import facts as f
from saveroute.measurement.labels import currency_label, offer_label, segment_label, source_label
from saveroute.measurement.ledger import Ledger
from saveroute.measurement.settings import MeasurementSettings
from saveroute.models import ApprovalDecision, ApprovalTask, Decision, Outcome


@dataclass(frozen=True)
class CountingRules:
    """Everything counting depends on besides the events: vocabularies, FX, the margin floor."""

    vocab: m.Vocabularies
    settings: MeasurementSettings
    margin_floor_pct: float


class InvalidEvent(ValueError):
    """An event that decodes but contradicts itself; it names the field and the reason."""


def _ts(value: datetime) -> float:
    return value.timestamp()


def keys_for(event: BaseModel) -> list[str]:
    """The state keys counting `event` reads (fetched for the whole batch in one trip)."""
    if isinstance(event, Decision):
        return [f.seen_decision(event.signal_id), f.pending_outcomes_key(event.case_id),
                f.case_task_key(event.case_id)]
    if isinstance(event, ApprovalTask):
        return [f.seen_task(event.task_id, event.revision), f.task_key(event.task_id),
                f.responded_key(event.task_id), f.pending_key(event.task_id),
                f.case_closed_key(event.case_id)]
    if isinstance(event, ApprovalDecision):
        return [f.seen_approval(event.decision_id), f.task_key(event.task_id),
                f.responded_key(event.task_id), f.pending_key(event.task_id)]
    if isinstance(event, Outcome):
        keys = [f.seen_outcome(event.outcome_id), f.account_key(event.account_id)]
        if event.case_id:
            keys += [f.case_key(event.case_id), f.case_task_key(event.case_id),
                     f.pending_outcomes_key(event.case_id)]
        return keys
    raise TypeError(f"measurement does not count {type(event).__name__}")


def validate(event: BaseModel) -> None:
    """Raise InvalidEvent for an event that cannot be counted honestly."""
    if isinstance(event, Outcome):
        if event.outcome not in m.RETAINING_OUTCOMES and event.retained_arr > 0:
            raise InvalidEvent(f"retained_arr: a {event.outcome} outcome retains no ARR "
                               f"(got {event.retained_arr})")
        c = event.concession
        if c is not None and c.type == "discount" and c.discount_pct is None:
            raise InvalidEvent("concession.discount_pct: a discount concession needs its percent")


def count(event: BaseModel, ledger: Ledger, rules: CountingRules) -> None:
    """Record what `event` adds; a redelivered event adds nothing."""
    if isinstance(event, Decision):
        _decision(event, ledger, rules)
    elif isinstance(event, ApprovalTask):
        _task(event, ledger, rules)
    elif isinstance(event, ApprovalDecision):
        _approval(event, ledger, rules)
    elif isinstance(event, Outcome):
        _outcome(event, ledger, rules)
    else:
        raise TypeError(f"measurement does not count {type(event).__name__}")


def _decision(d: Decision, ledger: Ledger, rules: CountingRules) -> None:
    if not ledger.claim(f.seen_decision(d.signal_id)):
        return
    segment = segment_label(d.segment)
    source = source_label(d.source)
    ledger.inc(m.SAVE_REQUESTS, (d.cause.value, d.path.value, source, segment))
    if d.signal_occurred_at is not None:
        seconds = max(0.0, _ts(d.decided_at) - _ts(d.signal_occurred_at))
        ledger.observe(m.SIGNAL_TO_TASK, (source,), seconds)
    case = f.CaseFacts(d.cause.value, segment, d.path.value, d.gross_margin_pct, d.account_id)
    facts = f.dump(case)
    ledger.set(f.case_key(d.case_id), facts)
    ledger.set(f.account_key(d.account_id), facts)
    waiting = ledger.get(f.pending_outcomes_key(d.case_id))
    if waiting:
        ledger.set(f.pending_outcomes_key(d.case_id), "[]")
        outcomes = sorted((Outcome.model_validate_json(text) for text in json.loads(waiting)),
                          key=lambda o: (o.occurred_at, o.outcome_id))
        for o in outcomes:
            _count_outcome(o, case, ledger, rules)


def _task(t: ApprovalTask, ledger: Ledger, rules: CountingRules) -> None:
    if not ledger.claim(f.seen_task(t.task_id, t.revision)):
        return
    previous = f.load_task(ledger.get(f.task_key(t.task_id)))
    segment = segment_label(t.segment)
    offer = offer_label(t.offer_types[0] if t.offer_types else None, rules.vocab.offer_types)
    created_at = previous.created_at if previous else _ts(t.created_at)
    task = f.TaskFacts(t.case_id, t.cause.value, segment, offer, created_at, _ts(t.due_at))
    ledger.set(f.task_key(t.task_id), f.dump(task))
    ledger.set(f.case_task_key(t.case_id), json.dumps([t.task_id, task.cause]))
    if previous is None:
        ledger.inc(m.TASKS_CREATED, (task.cause, segment))
    if ledger.get(f.responded_key(t.task_id)) is None and ledger.get(f.case_closed_key(t.case_id)) is None:
        if previous is not None and previous.cause != task.cause:
            ledger.close_task(previous.cause, t.task_id)
        ledger.open_task(task.cause, t.task_id, task.due_at)
    waiting = sorted(f.load_pending(ledger.get(f.pending_key(t.task_id))),
                     key=lambda p: (p.decided_at, p.decision_id))
    if waiting:
        ledger.set(f.pending_key(t.task_id), f.dump_pending([]))
        for pending in waiting:
            _count_approval(t.task_id, task, pending, ledger)


def _approval(a: ApprovalDecision, ledger: Ledger, rules: CountingRules) -> None:
    if not ledger.claim(f.seen_approval(a.decision_id)):
        return
    pending = f.PendingApproval(a.decision_id, a.verdict, a.role.value, _ts(a.decided_at))
    task = f.load_task(ledger.get(f.task_key(a.task_id)))
    if task is None:  # the task has not been read yet: keep the answer until it is
        waiting = f.load_pending(ledger.get(f.pending_key(a.task_id)))
        ledger.set(f.pending_key(a.task_id), f.dump_pending([*waiting, pending]))
        return
    _count_approval(a.task_id, task, pending, ledger)


def _count_approval(task_id: str, task: f.TaskFacts, a: f.PendingApproval, ledger: Ledger) -> None:
    ledger.inc(m.APPROVALS, (a.verdict, task.offer_type, a.role))
    if ledger.claim(f.responded_key(task_id)):  # the first answer on this task
        ledger.observe(m.OWNER_RESPONSE, (task.cause, task.segment), max(0.0, a.decided_at - task.created_at))
        if a.decided_at > task.due_at:
            ledger.inc(m.RESPONSES_LATE, (task.cause,))
        ledger.close_task(task.cause, task_id)


def _outcome(o: Outcome, ledger: Ledger, rules: CountingRules) -> None:
    if not ledger.claim(f.seen_outcome(o.outcome_id)):
        return
    if o.case_id:
        case = f.load_case(ledger.get(f.case_key(o.case_id)))
        if case is None:  # its decision has not been read yet: wait for it
            waiting = json.loads(ledger.get(f.pending_outcomes_key(o.case_id)) or "[]")
            ledger.set(f.pending_outcomes_key(o.case_id), json.dumps([*waiting, o.model_dump_json()]))
            return
    else:  # from billing, without a case: the account's latest case, if any
        case = f.load_case(ledger.get(f.account_key(o.account_id)))
    _count_outcome(o, case, ledger, rules)


def _count_outcome(o: Outcome, case: f.CaseFacts | None, ledger: Ledger, rules: CountingRules) -> None:
    cause = case.cause if case else m.UNKNOWN
    segment = case.segment if case else m.UNKNOWN
    ledger.inc(m.OUTCOMES_TOTAL, (o.outcome, cause, segment))
    if o.case_id:  # the case is over: its owner task no longer waits
        ledger.set(f.case_closed_key(o.case_id), "1")
        if open_task := ledger.get(f.case_task_key(o.case_id)):
            task_id, task_cause = json.loads(open_task)
            ledger.close_task(task_cause, task_id)
    concession = o.concession
    if concession is not None:
        ledger.inc(m.CONCESSIONS, (offer_label(concession.type, rules.vocab.offer_types), cause))
        if concession.discount_pct is not None:
            ledger.observe(m.DISCOUNT_GRANTED, (cause,), concession.discount_pct / 100.0)
    margin = o.margin_after_pct
    if margin is None and concession is None and case is not None:
        margin = case.gross_margin_pct  # nothing conceded: the case's margin still holds
    if o.outcome in m.MARGIN_CHECKED_OUTCOMES and margin is not None and margin < rules.margin_floor_pct:
        ledger.inc(m.BELOW_MARGIN_FLOOR, (cause, segment))
    if o.outcome in m.RETAINING_OUTCOMES and o.retained_arr > 0:
        _retained(o, cause, segment, margin, ledger, rules)


def _retained(o: Outcome, cause: str, segment: str, margin: float | None,
              ledger: Ledger, rules: CountingRules) -> None:
    rate = rules.settings.rate(o.currency)
    if rate is None:
        ledger.inc(m.FX_UNCONVERTED, (currency_label(o.currency),))
        return
    arr = o.retained_arr * rate
    labels = (cause, segment, rules.settings.reporting_currency)
    ledger.inc(m.RETAINED_ARR, labels, arr)
    if margin is not None:
        ledger.inc(m.RETAINED_MARGIN, labels, arr * max(0.0, margin) / 100.0)
