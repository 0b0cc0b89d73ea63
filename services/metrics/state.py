"""Measurement state in Redis: one MGET per batch, one compare-and-apply script to write it.

Marks and join facts are plain keys with a TTL; totals are fields of one hash
(bounded: one field per series); open owner tasks are one sorted set per cause,
scored by due time. Two workers that touch the same task must not overwrite each
other: the write is a Lua script that first checks every key the batch read still
holds the value it read, and only then applies the batch's sets, open-task edits and
increments, atomically. If any differs, nothing is written and the batch is counted
again from fresh state.

Why not WATCH/MULTI: Redis checks each newly watched key against every key the
client already watches, so watching a batch's few thousand keys cost Redis ~60 ms
of CPU per batch (half of all its CPU in the pipeline benchmark), and every queued
command cost the client a reply to parse. The script is one command and one reply.
A check by value is also what the counting needs: the batch's changes were computed
from exactly the values the keys hold when they are applied.
"""

from collections.abc import Sequence

import redis

from saveroute.measurement.catalog import CAUSES
from saveroute.measurement.ledger import Changes, StateUnavailable, open_tasks_key

# KEYS: the R keys read, the S keys set, the Z open-task set keys (one per edit), the series hash.
# ARGV: R, S, Z, I, ttl; R expected values ("0" for none, "1" + value); S values;
#       Z x (op, member, score); I x (series field, amount).
_COMPARE_AND_APPLY = """
local r, s, z, n, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local a = 5
for i = 1, r do
  local v = redis.call('GET', KEYS[i])
  local e = ARGV[a + i]
  if v then
    if e ~= '1' .. v then return 0 end
  elseif e ~= '0' then
    return 0
  end
end
a = a + r
for i = 1, s do
  redis.call('SET', KEYS[r + i], ARGV[a + i], 'EX', ttl)
end
a = a + s
for i = 1, z do
  local op, member, key = ARGV[a + 3 * i - 2], ARGV[a + 3 * i - 1], KEYS[r + s + i]
  if op == 'add' then
    redis.call('ZADD', key, ARGV[a + 3 * i], member)
  else
    redis.call('ZREM', key, member)
  end
end
a = a + 3 * z
local series = KEYS[r + s + z + 1]
for i = 1, n do
  redis.call('HINCRBYFLOAT', series, ARGV[a + 2 * i - 1], ARGV[a + 2 * i])
end
return 1
"""


class RedisBackend:
    def __init__(self, client: redis.Redis, prefix: str, ttl_s: int) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.series_key = f"{prefix}series"
        self._read: list[tuple[str, bytes]] | None = None  # (full key, expected) of the last fetch
        # redis-py loads the script again when Redis answers NOSCRIPT (after a restart).
        self._apply = client.register_script(_COMPARE_AND_APPLY)

    def fetch(self, keys: Sequence[str]) -> dict[str, str | None]:
        names = [self.prefix + k for k in keys]
        values = self.client.mget(names) if names else []
        self._read = [(name, b"0" if v is None else b"1" + (v if isinstance(v, bytes) else v.encode()))
                      for name, v in zip(names, values)]
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in zip(keys, values)}

    def apply(self, changes: Changes) -> bool:
        read, self._read = self._read, None
        if read is None:
            raise RuntimeError("apply() without fetch()")
        if changes.empty():
            return True
        p = self.prefix
        keys = [name for name, _ in read]
        keys += [p + key for key in changes.sets]
        keys += [p + zkey for _, zkey, _, _ in changes.zset_ops]
        keys.append(self.series_key)
        args: list[bytes | str | int | float] = [len(read), len(changes.sets), len(changes.zset_ops),
                                                 len(changes.increments), self.ttl_s]
        args += [expected for _, expected in read]
        args += changes.sets.values()
        for op, _, member, score in changes.zset_ops:
            args += (op, member, score)
        for field, amount in changes.increments.items():
            args += (field, amount)
        return bool(self._apply(keys=keys, args=args))

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
