"""Stored totals become Prometheus series that parse and add up to what the events imply."""

from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from saveroute.measurement import BusinessCollector, CountingRules, MeasurementSettings, MemoryBackend, Vocabularies
from saveroute.measurement import catalog as m
from saveroute.measurement import count_batch
from saveroute.measurement.sample_events import T0, approval, decision, outcome, task

VOCAB = Vocabularies(("roi_review", "discount"), "USD")
RULES = CountingRules(VOCAB, MeasurementSettings(), margin_floor_pct=15.0)


def scrape(backend: MemoryBackend, now: float) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = CollectorRegistry()
    registry.register(BusinessCollector(backend, VOCAB, clock=lambda: now))
    text = generate_latest(registry).decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_every_catalogue_series_is_exposed_and_nothing_else():
    samples = scrape(MemoryBackend(), T0.timestamp())
    names = {name for name, _ in samples}
    assert names <= m.exported_sample_names()
    assert {n for s in m.METRICS if s.preinit for n in s.sample_names()} <= names


def test_the_save_rate_the_series_imply_matches_the_events():
    backend = MemoryBackend()
    events = [decision(i) for i in range(1, 6)] + [
        outcome(1, 1), outcome(2, 2), outcome(3, 3, kind="churned"), outcome(4, 4, kind="paused"),
        outcome(5, 5, kind="withdrawn")]
    count_batch(events, backend, RULES)
    samples = scrape(backend, T0.timestamp())
    by_outcome = {dict(labels)["outcome"]: v for (name, labels), v in samples.items()
                  if name == "saveroute_outcomes_total" and dict(labels)["cause"] == "commercial"
                  and dict(labels)["segment"] == "mid_market"}
    decided = sum(by_outcome[k] for k in m.DECIDED_OUTCOMES)
    assert by_outcome["saved"] / decided == 0.5


def test_histograms_are_cumulative_and_gauges_follow_the_clock():
    backend = MemoryBackend()
    count_batch([task(1, due_in=timedelta(hours=24)), task(2), approval(1, 2, after=timedelta(hours=5))],
                backend, RULES)
    key = ("commercial", "mid_market")
    samples = scrape(backend, (T0 + timedelta(hours=30)).timestamp())

    def get(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert get("saveroute_owner_response_seconds_bucket", cause=key[0], segment=key[1], le="14400.0") == 0
    assert get("saveroute_owner_response_seconds_bucket", cause=key[0], segment=key[1], le="28800.0") == 1
    assert get("saveroute_owner_response_seconds_bucket", cause=key[0], segment=key[1], le="+Inf") == 1
    assert get("saveroute_owner_response_seconds_count", cause=key[0], segment=key[1]) == 1
    assert get("saveroute_owner_tasks_open", cause="commercial") == 1
    assert get("saveroute_owner_tasks_past_due", cause="commercial") == 1
    early = scrape(backend, (T0 + timedelta(hours=1)).timestamp())
    assert early[("saveroute_owner_tasks_past_due", (("cause", "commercial"),))] == 0
