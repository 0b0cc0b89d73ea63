"""Redis stopped for a few seconds under a running pipeline: nothing lost, nothing twice.

The services keep their context and idempotency keys in a Redis of this test's own,
with an append-only file (as a production Redis would persist), so stopping and
starting it is an outage, not amnesia. While it is down, every stage retries with
backoff and commits nothing; when it is back, the stream completes.
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from saveroute.stack.processes import LocalRedis
from support.pipeline_tools import Pipeline, account, signal

pytestmark = pytest.mark.integration


class PersistentRedis(LocalRedis):
    def argv(self) -> list[str]:
        return [*super().argv(), "--appendonly", "yes", "--appendfsync", "always"]


@pytest.fixture
def persistent_redis(tmp_path: Path):  # type: ignore[no-untyped-def]
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PersistentRedis(log_dir=tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_redis_down_for_a_few_seconds_loses_nothing(kafka_bootstrap: str, persistent_redis: PersistentRedis,
                                                     tmp_path: Path) -> None:
    namespace = f"r{uuid.uuid4().hex[:10]}"
    pipeline = Pipeline(kafka_bootstrap, persistent_redis.url, tmp_path, namespace).start()
    try:
        prefix = f"{namespace}-outage-"
        accounts = [account(f"{prefix}acct-{i}") for i in range(10)]
        pipeline.feed_context(accounts)
        sent = [signal(f"{prefix}{i}", accounts[i % 10].account_id) for i in range(1500)]
        pipeline.publish(sent[:750])
        pipeline.wait_for_decisions(prefix, {s.signal_id for s in sent[:20]})
        persistent_redis.stop()
        pipeline.publish(sent[750:])  # the broker is fine: signals keep arriving
        time.sleep(3)  # the outage itself, not an assertion
        assert all(child.running() for child in pipeline.fleet.supervisor.children.values())
        persistent_redis.start()
        pipeline.wait_for_decisions(prefix, {s.signal_id for s in sent}, timeout=600)
        pipeline.settle(timeout=600)
        decisions = pipeline.decisions(prefix)
        assert Counter(d.signal_id for d in decisions) == Counter(s.signal_id for s in sent)
        assert not any(d.evidence_issues for d in decisions), "context was lost with the outage"
    finally:
        pipeline.stop()
