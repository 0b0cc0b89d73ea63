"""Which source events a stage has already finished, kept in Redis.

One key per (stage, source event id), written only after the stage's outputs are
delivered. Both the check and the marking cost one pipelined round trip per batch, so a
stage is never limited by Redis latency. Keys expire (30 days by default): long after
any replay or redelivery could bring the same event back.
"""

from __future__ import annotations

from collections.abc import Sequence

import redis


def make_redis(url: str) -> redis.Redis:
    """A client that fails fast (the runtime retries) instead of hanging on a dead server."""
    return redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0,
                                health_check_interval=10)


class IdempotencyStore:
    def __init__(self, client: redis.Redis, prefix: str, ttl_s: int) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_s = ttl_s

    def key(self, stage: str, event_id: str) -> str:
        return f"{self.prefix}{stage}:{event_id}"

    def done_among(self, stage: str, event_ids: Sequence[str]) -> set[str]:
        """The ids this stage already finished: one round trip for the whole batch."""
        if not event_ids:
            return set()
        pipe = self.client.pipeline(transaction=False)
        for event_id in event_ids:
            pipe.exists(self.key(stage, event_id))
        return {eid for eid, found in zip(event_ids, pipe.execute()) if found}

    def mark_done(self, stage: str, event_ids: Sequence[str]) -> None:
        """Record the ids as finished: one round trip for the whole batch."""
        if not event_ids:
            return
        pipe = self.client.pipeline(transaction=False)
        for event_id in event_ids:
            pipe.set(self.key(stage, event_id), b"1", ex=self.ttl_s)
        pipe.execute()
