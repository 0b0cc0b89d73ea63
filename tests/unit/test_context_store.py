"""The Redis context store: newest version wins, batched reads, deterministic ticket order.

Runs against a real redis-server (the shared `redis_url` fixture).
"""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis

from saveroute.context import ContextStore
from saveroute.models import AccountContext, SupportTicket
from support.redis_counting import CountingConnection, counting_client

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture()
def store(redis_url: str) -> ContextStore:
    client = redis.Redis.from_url(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    yield ContextStore(client, prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def account(account_id: str, as_of: datetime, arr: float = 1000) -> AccountContext:
    return AccountContext.model_validate({
        "account_id": account_id, "arr": arr, "currency": "USD",
        "owner": {"id": "usr_1", "name": "Ana"}, "as_of": as_of,
    })


def ticket(ticket_id: str, created: datetime, updated: datetime | None = None, status: str = "open") -> SupportTicket:
    return SupportTicket(ticket_id=ticket_id, status=status, created_at=created, updated_at=updated)


def test_unknown_account_has_no_context(store: ContextStore) -> None:
    snapshot = store.fetch(["acc_nobody"])["acc_nobody"]
    assert snapshot.account is None and snapshot.tickets == []


def test_newest_as_of_wins_whatever_the_arrival_order(store: ContextStore) -> None:
    newer, older = account("acc_a", T0, arr=2000), account("acc_a", T0 - timedelta(days=1), arr=1000)
    assert store.apply(accounts=[newer]) == [True]
    assert store.apply(accounts=[older]) == [False]
    assert store.fetch(["acc_a"])["acc_a"].account == newer


def test_equal_version_overwrites_so_redelivery_is_harmless(store: ContextStore) -> None:
    store.apply(accounts=[account("acc_a", T0, arr=1)])
    assert store.apply(accounts=[account("acc_a", T0, arr=5)]) == [True]
    assert store.fetch(["acc_a"])["acc_a"].account.arr == 5


def test_microseconds_order_versions(store: ContextStore) -> None:
    first = account("acc_a", T0.replace(microsecond=1), arr=1)
    second = account("acc_a", T0.replace(microsecond=2), arr=2)
    store.apply(accounts=[second])
    assert store.apply(accounts=[first]) == [False]
    assert store.fetch(["acc_a"])["acc_a"].account.arr == 2


def test_ticket_keeps_newest_update(store: ContextStore) -> None:
    created = T0 - timedelta(days=3)
    solved = ticket("ZD-1", created, updated=T0, status="solved")
    reopened_earlier = ticket("ZD-1", created, updated=T0 - timedelta(hours=1), status="open")
    assert store.apply(tickets=[("acc_a", solved), ("acc_a", reopened_earlier)]) == [True, False]
    assert store.fetch(["acc_a"])["acc_a"].tickets == [solved]


def test_ticket_without_update_time_is_versioned_by_creation(store: ContextStore) -> None:
    created = T0 - timedelta(days=3)
    store.apply(tickets=[("acc_a", ticket("ZD-1", created, updated=created + timedelta(hours=2), status="pending"))])
    assert store.apply(tickets=[("acc_a", ticket("ZD-1", created, status="new"))]) == [False]
    assert store.fetch(["acc_a"])["acc_a"].tickets[0].status.value == "pending"


def test_tickets_come_back_in_creation_order_per_account(store: ContextStore) -> None:
    late, early, same_time_b, same_time_a = (
        ticket("ZD-9", T0), ticket("ZD-5", T0 - timedelta(days=2)),
        ticket("ZD-B", T0 - timedelta(days=1)), ticket("ZD-A", T0 - timedelta(days=1)),
    )
    store.apply(tickets=[("acc_a", t) for t in (late, early, same_time_b, same_time_a)] + [("acc_b", late)])
    snapshots = store.fetch(["acc_a", "acc_b"])
    assert [t.ticket_id for t in snapshots["acc_a"].tickets] == ["ZD-5", "ZD-A", "ZD-B", "ZD-9"]
    assert [t.ticket_id for t in snapshots["acc_b"].tickets] == ["ZD-9"]


@pytest.fixture()
def counted_store(store: ContextStore, redis_url: str) -> ContextStore:
    counted = ContextStore(counting_client(redis_url), store.account_key("")[: -len("account:")])
    counted._redis.ping()  # connect (and load nothing) before counting
    return counted


def test_fetch_is_one_round_trip_per_batch(counted_store: ContextStore) -> None:
    ids = [f"acc_{i}" for i in range(200)]
    counted_store.apply(accounts=[account(i, T0) for i in ids])
    CountingConnection.sends = 0
    snapshots = counted_store.fetch(ids + ids[:10])  # duplicates are fetched once
    assert CountingConnection.sends == 1
    assert len(snapshots) == 200 and all(s.account is not None for s in snapshots.values())
    assert counted_store.fetch([]) == {}


def test_writes_are_one_round_trip_per_batch(counted_store: ContextStore) -> None:
    counted_store.apply(accounts=[account("acc_warm", T0)])  # scripts get loaded on first use
    CountingConnection.sends = 0
    results = counted_store.apply(
        accounts=[account(f"acc_{i}", T0) for i in range(50)],
        tickets=[(f"acc_{i}", ticket(f"ZD-{i}", T0)) for i in range(50)],
    )
    assert results == [True] * 100
    assert CountingConnection.sends == 1


def test_writes_survive_redis_forgetting_its_scripts(store: ContextStore, redis_url: str) -> None:
    store.apply(accounts=[account("acc_a", T0, arr=1)])
    redis.Redis.from_url(redis_url).script_flush()  # what a Redis restart does
    assert store.apply(accounts=[account("acc_a", T0 + timedelta(seconds=1), arr=2)]) == [True]
    assert store.fetch(["acc_a"])["acc_a"].account.arr == 2
