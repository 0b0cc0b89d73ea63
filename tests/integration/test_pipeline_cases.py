"""One case per churn episode, through the real pipeline (issue: ingest gateway, cases).

The Stripe portal sends two `customer.subscription.updated` events seconds apart and only
the second carries the feedback; a billing cancellation followed by an angry ticket is one
episode. Both must give one case whose latest decision uses everything, one owner task
updated (revision 2), not two.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saveroute.models import ApprovalTask, Signal
from saveroute.models.enums import SignalKind, SignalSource
from saveroute.stack.reader import TopicReader
from saveroute.topics import APPROVAL_TASKS
from support.pipeline_tools import running_pipeline, NOW, Pipeline, account

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    with running_pipeline(kafka_bootstrap, redis_url, tmp_path_factory.mktemp("cases"), "c") as running:
        yield running


def make(signal_id: str, account_id: str, text: str | None, code: str | None = None,
         source: SignalSource = SignalSource.billing) -> Signal:
    return Signal(signal_id=signal_id, source=source, kind=SignalKind.cancellation_request, account_id=account_id,
                  occurred_at=NOW, reason_text=text, reason_code=code)


def tasks_for(pipeline: Pipeline, case_id: str) -> list[ApprovalTask]:
    with TopicReader(pipeline.settings, [APPROVAL_TASKS]) as reader:
        return [r.value for r in reader.follow(idle_timeout=1.5)
                if isinstance(r.value, ApprovalTask) and r.value.case_id == case_id]


def test_portal_cancellation_in_two_events_is_one_case_decided_on_the_feedback(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-portal-"
    acct = account(f"{prefix}acct")
    pipeline.feed_context([acct])
    first = make(f"{prefix}evt_a", acct.account_id, None)
    second = make(f"{prefix}evt_b", acct.account_id, "the exports keep failing every week", "low_quality")
    pipeline.publish([first, second])
    pipeline.wait_for_decisions(prefix, {first.signal_id, second.signal_id})
    decisions = {d.signal_id: d for d in pipeline.decisions(prefix)}
    early, late = decisions[first.signal_id], decisions[second.signal_id]
    assert early.case_id == late.case_id == f"case-{first.signal_id}"
    assert (early.revision, late.revision) == (1, 2)
    assert late.cause.value == "product_fit"
    tasks = tasks_for(pipeline, late.case_id)
    assert {t.task_id for t in tasks} == {f"task-{late.case_id}"}
    assert max(t.revision for t in tasks) == 2


def test_billing_cancellation_then_angry_ticket_is_one_case_for_staff(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-angry-"
    acct = account(f"{prefix}acct")
    pipeline.feed_context([acct])
    billing = make(f"{prefix}evt_1", acct.account_id, "too expensive for us", "too_expensive")
    ticket = make(f"{prefix}zd_2", acct.account_id, "You people are useless clowns. Cancel it NOW!!",
                  source=SignalSource.helpdesk)
    pipeline.publish([billing, ticket])
    pipeline.wait_for_decisions(prefix, {billing.signal_id, ticket.signal_id})
    decisions = {d.signal_id: d for d in pipeline.decisions(prefix)}
    latest = decisions[ticket.signal_id]
    assert latest.case_id == decisions[billing.signal_id].case_id
    assert latest.path.value == "staff_escalation" and [s.value for s in latest.sensitive] == ["angry"]
    assert {t.task_id for t in tasks_for(pipeline, latest.case_id)} == {f"task-{latest.case_id}"}
