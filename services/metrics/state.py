"""Measurement state in Redis: one WATCH+MGET per batch, one MULTI/EXEC to apply it.

Marks and join facts are plain keys with a TTL; totals are fields of one hash
(bounded: one field per series); open owner tasks are one sorted set per cause,
scored by due time. WATCH makes two workers that touch the same task recount
instead of overwriting each other.
"""

from collections.abc import Sequence

import redis

from saveroute.measurement.catalog import CAUSES
from saveroute.measurement.ledger import Changes, StateUnavailable, open_tasks_key


class RedisBackend:
    def __init__(self, client: redis.Redis, prefix: str, ttl_s: int) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.series_key = f"{prefix}series"
        self._pipe: "redis.client.Pipeline | None" = None

    def fetch(self, keys: Sequence[str]) -> dict[str, str | None]:
        self._release()
        names = [self.prefix + k for k in keys]
        pipe = self.client.pipeline(transaction=True)
        pipe.watch(*names)  # immediate mode until multi()
        values = pipe.mget(names)
        self._pipe = pipe
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in zip(keys, values)}

    def apply(self, changes: Changes) -> bool:
        pipe, self._pipe = self._pipe, None
        if pipe is None:
            raise RuntimeError("apply() without fetch()")
        try:
            if changes.empty():
                return True
            pipe.multi()
            for key, value in changes.sets.items():
                pipe.set(self.prefix + key, value, ex=self.ttl_s)
            for op, zkey, member, score in changes.zset_ops:
                if op == "add":
                    pipe.zadd(self.prefix + zkey, {member: score})
                else:
                    pipe.zrem(self.prefix + zkey, member)
            for field, amount in changes.increments.items():
                pipe.hincrbyfloat(self.series_key, field, amount)
            pipe.execute()
            return True
        except redis.WatchError:
            return False
        finally:
            pipe.reset()

    def totals(self) -> dict[str, float]:
        try:
            raw = self.client.hgetall(self.series_key)
        except redis.RedisError as exc:
            raise StateUnavailable(str(exc)) from exc
        return {k.decode(): float(v) for k, v in raw.items()}

    def open_tasks(self, now: float) -> tuple[dict[str, int], dict[str, int]]:
        pipe = self.client.pipeline(transaction=False)
        for cause in CAUSES:
            key = self.prefix + open_tasks_key(cause)
            pipe.zcard(key)
            pipe.zcount(key, "-inf", f"({now}")
        try:
            replies = pipe.execute()
        except redis.RedisError as exc:
            raise StateUnavailable(str(exc)) from exc
        open_ = dict(zip(CAUSES, replies[0::2]))
        past_due = dict(zip(CAUSES, replies[1::2]))
        return open_, past_due

    def _release(self) -> None:
        if self._pipe is not None:
            self._pipe.reset()
            self._pipe = None
