"""Which source events a stage has already finished, kept in Redis.

One key per (stage, source event id), written only after the stage's outputs are
delivered. The check is one MGET and the marking one server-side script call per
batch: one round trip and one command each, so a stage is limited neither by Redis
latency nor by the client's per-command cost. Keys carry the stage as a hash tag, so
a stage's batch lands on one slot and both commands also work on Redis Cluster. Keys
expire (30 days by default): long after any replay could bring the same event back.
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

        self._mark = client.register_script(_MARK_DONE)

    def key(self, stage: str, event_id: str) -> str:
        return f"{self.prefix}{{{stage}}}:{event_id}"

    def done_among(self, stage: str, event_ids: Sequence[str]) -> set[str]:
        """The ids this stage already finished: one round trip for the whole batch."""
        if not event_ids:
            return set()
        found = self.client.mget([self.key(stage, eid) for eid in event_ids])
        return {eid for eid, value in zip(event_ids, found) if value is not None}

    def mark_done(self, stage: str, event_ids: Sequence[str]) -> None:
        """Record the ids as finished: one round trip for the whole batch."""
        if event_ids:
            self._mark(keys=[self.key(stage, eid) for eid in event_ids], args=[self.ttl_s])


# SET key 1 EX ttl for every key, in one command.
_MARK_DONE = """
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], '1', 'EX', ARGV[1])
end
return #KEYS
"""
