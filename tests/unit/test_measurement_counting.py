"""What each event adds to the business metrics, counted exactly once, in any order."""

from datetime import timedelta

import pytest
from hypothesis import given, settings, strategies as st

from saveroute.measurement import CountingRules, MeasurementSettings, MemoryBackend, Vocabularies, count_batch
from saveroute.measurement import catalog as m
from saveroute.measurement.ledger import series_field
from saveroute.measurement.sample_events import T0, approval, decision, outcome, task

OFFERS = ("roi_review", "payment_terms", "discount", "pause")


def rules(**fx: float) -> CountingRules:
    settings_ = MeasurementSettings(reporting_currency="USD", fx_rates=fx)
    return CountingRules(Vocabularies(OFFERS, "USD"), settings_, margin_floor_pct=15.0)


def total(backend: MemoryBackend, spec: m.MetricSpec, *values: str, sample: str | None = None) -> float:
    return backend.series.get(series_field(sample or spec.name, values), 0.0)


def test_a_decision_counts_one_save_request_and_its_signal_to_task_time():
    backend = MemoryBackend()
    d = decision(1, cause="service", path="service_recovery", segment="enterprise", source="helpdesk",
                 signal_to_task=timedelta(seconds=30))
    assert count_batch([d], backend, rules()) == [None]
    assert total(backend, m.SAVE_REQUESTS, "service", "service_recovery", "helpdesk", "enterprise") == 1
    h = m.SIGNAL_TO_TASK.name
    assert total(backend, m.SIGNAL_TO_TASK, "helpdesk", "15.0", sample=f"{h}_bucket") == 0
    assert total(backend, m.SIGNAL_TO_TASK, "helpdesk", "60.0", sample=f"{h}_bucket") == 1
    assert total(backend, m.SIGNAL_TO_TASK, "helpdesk", sample=f"{h}_sum") == 30.0


def test_a_redelivered_event_adds_nothing():
    backend, r = MemoryBackend(), rules()
    events = [decision(1), task(1), approval(1, 1), outcome(1, 1, retained_arr=1000)]
    count_batch(events, backend, r)
    before = dict(backend.series)
    count_batch(events, backend, r)
    count_batch(list(reversed(events)), backend, r)
    assert backend.series == before


def test_unknown_labels_fold_into_closed_vocabularies():
    backend = MemoryBackend()
    count_batch([decision(1, segment="galactic", source="carrier-pigeon")], backend, rules())
    assert total(backend, m.SAVE_REQUESTS, "commercial", "commercial_review", "other", "unknown") == 1


def test_owner_response_is_task_created_to_first_decision_only():
    backend = MemoryBackend()
    events = [task(1, cause="value", segment="smb"),
              approval(1, 1, after=timedelta(hours=3)),
              approval(2, 1, verdict="reject", role="finance", after=timedelta(hours=30))]
    count_batch(events, backend, rules())
    h = m.OWNER_RESPONSE.name
    assert total(backend, m.OWNER_RESPONSE, "value", "smb", sample=f"{h}_count") == 1
    assert total(backend, m.OWNER_RESPONSE, "value", "smb", sample=f"{h}_sum") == 3 * 3600
    assert total(backend, m.APPROVALS, "approve", "roi_review", "account_owner") == 1
    assert total(backend, m.APPROVALS, "reject", "roi_review", "finance") == 1
    assert total(backend, m.RESPONSES_LATE, "value") == 0


def test_a_first_answer_after_the_due_time_is_late():
    backend = MemoryBackend()
    count_batch([task(1, due_in=timedelta(hours=24)), approval(1, 1, after=timedelta(hours=50))],
                backend, rules())
    assert total(backend, m.RESPONSES_LATE, "commercial") == 1
    h = m.OWNER_RESPONSE.name
    assert total(backend, m.OWNER_RESPONSE, "commercial", "mid_market", "172800.0", sample=f"{h}_bucket") == 0
    assert total(backend, m.OWNER_RESPONSE, "commercial", "mid_market", "259200.0", sample=f"{h}_bucket") == 1


def test_an_approval_before_its_task_waits_and_the_earliest_is_the_first_response():
    backend, r = MemoryBackend(), rules()
    count_batch([approval(2, 1, after=timedelta(hours=9))], backend, r)
    count_batch([approval(1, 1, after=timedelta(hours=4))], backend, r)
    assert total(backend, m.APPROVALS, "approve", "roi_review", "account_owner") == 0
    count_batch([task(1)], backend, r)
    assert total(backend, m.APPROVALS, "approve", "roi_review", "account_owner") == 2
    assert total(backend, m.OWNER_RESPONSE, "commercial", "mid_market",
                 sample=f"{m.OWNER_RESPONSE.name}_sum") == 4 * 3600


def test_a_task_revision_keeps_its_creation_time_and_counts_one_task():
    backend, r = MemoryBackend(), rules()
    count_batch([task(1)], backend, r)
    count_batch([task(1, revision=2, created_at=T0 + timedelta(hours=10))], backend, r)
    count_batch([approval(1, 1, after=timedelta(hours=12))], backend, r)
    assert total(backend, m.TASKS_CREATED, "commercial", "mid_market") == 1
    assert total(backend, m.OWNER_RESPONSE, "commercial", "mid_market",
                 sample=f"{m.OWNER_RESPONSE.name}_sum") == 12 * 3600


def test_open_and_past_due_tasks_close_on_the_first_answer_or_an_outcome():
    backend, r = MemoryBackend(), rules()
    count_batch([decision(1), decision(2), task(1, due_in=timedelta(hours=24)), task(2, due_in=timedelta(hours=48))],
                backend, r)
    at_30h = (T0 + timedelta(hours=30)).timestamp()
    open_, past_due = backend.open_tasks(at_30h)
    assert (open_["commercial"], past_due["commercial"]) == (2, 1)
    count_batch([approval(1, 1, after=timedelta(hours=31))], backend, r)
    open_, past_due = backend.open_tasks(at_30h)
    assert (open_["commercial"], past_due["commercial"]) == (1, 0)
    count_batch([outcome(1, 2, kind="churned")], backend, r)
    assert backend.open_tasks(at_30h)[0]["commercial"] == 0


def test_an_outcome_takes_cause_and_segment_from_its_case_or_the_accounts_latest_case():
    backend = MemoryBackend()
    count_batch([decision(1, cause="value", path="value_proof", segment="smb"),
                 outcome(1, 1, kind="saved"),
                 outcome(2, None, kind="churned", account_n=1),
                 outcome(3, None, kind="churned", account_n=99)], backend, rules())
    assert total(backend, m.OUTCOMES_TOTAL, "saved", "value", "smb") == 1
    assert total(backend, m.OUTCOMES_TOTAL, "churned", "value", "smb") == 1
    assert total(backend, m.OUTCOMES_TOTAL, "churned", "unknown", "unknown") == 1


def test_an_outcome_before_its_decision_waits_for_the_cause():
    backend, r = MemoryBackend(), rules()
    count_batch([outcome(1, 1, kind="saved", retained_arr=500)], backend, r)
    assert not any(k.startswith(m.OUTCOMES_TOTAL.name) for k in backend.series)
    count_batch([decision(1, cause="service", path="service_recovery", segment="enterprise")], backend, r)
    assert total(backend, m.OUTCOMES_TOTAL, "saved", "service", "enterprise") == 1
    assert total(backend, m.RETAINED_ARR, "service", "enterprise", "USD") == 500


def test_a_task_that_arrives_after_its_cases_outcome_never_waits_on_the_owner():
    backend, r = MemoryBackend(), rules()
    count_batch([decision(1), outcome(1, 1, kind="churned")], backend, r)
    count_batch([task(1)], backend, r)
    assert backend.open_tasks(T0.timestamp() + 1e7)[0]["commercial"] == 0


def test_retained_arr_and_margin_convert_to_the_reporting_currency():
    backend = MemoryBackend()
    count_batch([decision(1, gross_margin_pct=70.0),
                 outcome(1, 1, retained_arr=10000, currency="EUR", discount_pct=15, margin_after_pct=40.0)],
                backend, rules(EUR=1.08))
    assert total(backend, m.RETAINED_ARR, "commercial", "mid_market", "USD") == pytest.approx(10800.0)
    assert total(backend, m.RETAINED_MARGIN, "commercial", "mid_market", "USD") == pytest.approx(4320.0)
    assert total(backend, m.CONCESSIONS, "discount", "commercial") == 1
    h = m.DISCOUNT_GRANTED.name
    assert total(backend, m.DISCOUNT_GRANTED, "commercial", "0.1", sample=f"{h}_bucket") == 0
    assert total(backend, m.DISCOUNT_GRANTED, "commercial", "0.15", sample=f"{h}_bucket") == 1


def test_without_a_concession_the_cases_margin_still_holds():
    backend = MemoryBackend()
    count_batch([decision(1, gross_margin_pct=50.0), outcome(1, 1, retained_arr=2000)], backend, rules())
    assert total(backend, m.RETAINED_MARGIN, "commercial", "mid_market", "USD") == pytest.approx(1000.0)


def test_a_currency_without_a_rate_is_counted_apart_not_guessed():
    backend = MemoryBackend()
    count_batch([decision(1), outcome(1, 1, retained_arr=500, currency="JPY"),
                 outcome(2, 1, retained_arr=500, currency="yen")], backend, rules(EUR=1.08))
    assert total(backend, m.FX_UNCONVERTED, "JPY") == 1
    assert total(backend, m.FX_UNCONVERTED, "invalid") == 1
    assert total(backend, m.RETAINED_ARR, "commercial", "mid_market", "USD") == 0
    assert total(backend, m.OUTCOMES_TOTAL, "saved", "commercial", "mid_market") == 2


def test_a_save_below_the_margin_floor_should_not_have_been_saved():
    backend = MemoryBackend()
    count_batch([decision(1), decision(2), decision(3),
                 outcome(1, 1, discount_pct=40, margin_after_pct=8.0, retained_arr=100),
                 outcome(2, 2, kind="downgraded", margin_after_pct=15.0, retained_arr=100),
                 outcome(3, 3, kind="paused", margin_after_pct=2.0, retained_arr=100)], backend, rules())
    assert total(backend, m.BELOW_MARGIN_FLOOR, "commercial", "mid_market") == 1


def test_a_self_contradicting_outcome_is_rejected_with_its_field_and_the_rest_counts():
    backend = MemoryBackend()
    errors = count_batch([outcome(1, None, kind="churned", retained_arr=900, account_n=7),
                          outcome(2, None, kind="churned", account_n=8)], backend, rules())
    assert errors[0] is not None and errors[0].startswith("retained_arr:")
    assert errors[1] is None
    assert total(backend, m.OUTCOMES_TOTAL, "churned", "unknown", "unknown") == 1


EVENTS = [decision(1), decision(2, cause="value", path="value_proof", segment="smb"),
          task(1), task(2, cause="value", segment="smb"),
          approval(1, 1, after=timedelta(hours=5)), approval(2, 1, role="finance", after=timedelta(hours=6)),
          approval(3, 2, verdict="changes", after=timedelta(hours=60)),
          outcome(1, 1, retained_arr=1000, discount_pct=10, margin_after_pct=35),
          outcome(2, 2, kind="churned")]


def _in_one_batch() -> dict[str, float]:
    backend = MemoryBackend()
    count_batch(EVENTS, backend, rules())
    return backend.series


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(len(EVENTS))), cuts=st.sets(st.integers(1, len(EVENTS) - 1)),
       redeliver=st.lists(st.integers(0, len(EVENTS) - 1), max_size=4))
def test_totals_do_not_depend_on_arrival_order_batching_or_redelivery(order, cuts, redeliver):
    sequence = [EVENTS[i] for i in order] + [EVENTS[i] for i in redeliver]
    backend, r = MemoryBackend(), rules()
    edges = [0, *sorted(c for c in cuts if c < len(sequence)), len(sequence)]
    for start, end in zip(edges, edges[1:]):
        count_batch(sequence[start:end], backend, r)
    # Approvals before their task and outcomes before their decision wait and change nothing;
    # across batches the first answer to arrive is the first response, so orders that keep
    # the two answers on task 1 in time order must agree with counting everything at once.
    decided_first = sequence.index(EVENTS[4]) < sequence.index(EVENTS[5])
    if decided_first:
        assert backend.series == _in_one_batch()
    assert sum(v for k, v in backend.series.items() if k.startswith(m.OUTCOMES_TOTAL.name)) == 2
    assert sum(v for k, v in backend.series.items() if k.startswith(m.APPROVALS.name)) == 3
    assert backend.open_tasks(T0.timestamp() + 1e7) == ({c: 0 for c in m.CAUSES}, {c: 0 for c in m.CAUSES})
