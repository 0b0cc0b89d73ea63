"""The metrics service's Redis state: WATCH makes a batch recount when another worker wrote first."""

import pytest
import redis

from saveroute.measurement import CountingRules, MeasurementSettings, Vocabularies, count_batch
from saveroute.measurement import catalog as m
from saveroute.measurement.facts import seen_decision
from saveroute.measurement.ledger import Changes, series_field
from saveroute.measurement.sample_events import decision
from services.metrics.state import RedisBackend

pytestmark = pytest.mark.integration

RULES = CountingRules(Vocabularies(("discount",), "USD"), MeasurementSettings(), margin_floor_pct=15.0)


class InterferingBackend(RedisBackend):
    """Another worker claims the same decision between this batch's fetch and its apply, once."""

    def __init__(self, client: redis.Redis, prefix: str, other: redis.Redis, key: str) -> None:
        super().__init__(client, prefix, ttl_s=3600)
        self.other, self.key, self.attempts = other, key, 0

    def apply(self, changes: Changes) -> bool:
        self.attempts += 1
        if self.attempts == 1:
            self.other.set(self.prefix + self.key, "1")
        return super().apply(changes)


def test_a_write_between_fetch_and_apply_makes_the_batch_recount(redis_url: str, unique_prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    d = decision(1)
    backend = InterferingBackend(client, f"{unique_prefix}:measurement:",
                                 other=redis.Redis.from_url(redis_url), key=seen_decision(d.signal_id))
    assert count_batch([d], backend, RULES) == [None]
    # The first apply lost to the other writer; the recount saw its mark and added nothing.
    assert backend.attempts == 2
    field = series_field(m.SAVE_REQUESTS.name, ("commercial", "commercial_review", "billing", "mid_market"))
    assert backend.totals().get(field, 0.0) == 0.0


def test_apply_writes_marks_increments_and_open_tasks_together(redis_url: str, unique_prefix: str) -> None:
    backend = RedisBackend(redis.Redis.from_url(redis_url), f"{unique_prefix}:measurement:", 3600)
    count_batch([decision(1)], backend, RULES)
    field = series_field(m.SAVE_REQUESTS.name, ("commercial", "commercial_review", "billing", "mid_market"))
    assert backend.totals()[field] == 1.0
    assert backend.fetch([seen_decision("sig-1")]) == {seen_decision("sig-1"): "1"}
    assert backend.apply(Changes()) is True  # releases the WATCH of the fetch above
