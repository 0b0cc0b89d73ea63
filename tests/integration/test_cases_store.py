"""The open-case store on a real Redis: joins within the window, deterministic re-joins, closing."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis

from saveroute.cases import CaseStore
from saveroute.models import Signal

pytestmark = pytest.mark.integration
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)


def sig(signal_id: str, account_id: str, text: str | None = None) -> Signal:
    return Signal(signal_id=signal_id, source="billing", kind="cancellation_request", account_id=account_id,
                  occurred_at=T0, reason_text=text)


@pytest.fixture
def store(redis_url: str) -> CaseStore:
    return CaseStore(redis.Redis.from_url(redis_url), f"t{uuid.uuid4().hex[:8]}:case:")


def join(store: CaseStore, entries, max_signals: int = 8):
    return store.join(entries, window_hours=72, max_signals=max_signals, retention_seconds=3600)


def test_signals_within_the_window_join_one_case(store: CaseStore) -> None:
    a, b = sig("evt_1", "acc"), sig("evt_2", "acc", "the feedback")
    first, second = join(store, [(a, T0), (b, T0 + timedelta(seconds=5))])
    assert (first.case_id, first.revision, first.related_signals) == ("case-evt_1", 1, [])
    assert (second.case_id, second.revision) == ("case-evt_1", 2)
    assert [s.signal_id for s in second.related_signals] == ["evt_1"]


def test_a_redelivered_signal_gets_exactly_the_same_join(store: CaseStore) -> None:
    a, b, c = sig("e1", "acc"), sig("e2", "acc"), sig("e3", "acc")
    join(store, [(a, T0), (b, T0)])
    again = join(store, [(b, T0), (c, T0)])
    assert again[0].revision == 2 and [s.signal_id for s in again[0].related_signals] == ["e1"]
    assert again[1].revision == 3


def test_window_is_event_time_and_accounts_are_separate(store: CaseStore) -> None:
    old, new, other = sig("o1", "acc"), sig("n1", "acc"), sig("x1", "other")
    joins = join(store, [(old, T0), (new, T0 + timedelta(hours=73)), (other, T0)])
    assert [j.case_id for j in joins] == ["case-o1", "case-n1", "case-x1"]
    assert joins[1].revision == 1


def test_close_ends_the_case(store: CaseStore) -> None:
    join(store, [(sig("c1", "acc"), T0)])
    store.close(["acc"])
    assert join(store, [(sig("c2", "acc"), T0)])[0].case_id == "case-c2"


def test_a_case_remembers_only_its_newest_signals(store: CaseStore) -> None:
    joins = join(store, [(sig(f"m{i}", "acc", f"text {i}"), T0) for i in range(6)], max_signals=3)
    assert joins[-1].revision == 6
    assert [s.signal_id for s in joins[-1].related_signals] == ["m2", "m3", "m4"]


def test_joins_survive_redis_forgetting_its_scripts(store: CaseStore, redis_url: str) -> None:
    join(store, [(sig("s1", "acc"), T0)])
    redis.Redis.from_url(redis_url).script_flush()  # what a Redis restart does to the script cache
    assert join(store, [(sig("s2", "acc"), T0)])[0].revision == 2
