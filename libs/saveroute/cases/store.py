"""Open cases in Redis: which case a signal joins, its revision, and the earlier signals.

A signal for an account with an open case (last activity within the policy's window,
measured in event time so replays of history behave like history) joins it; otherwise
it opens a new case `case-{signal_id}`. An outcome closes the account's case.

Layout, with the account as a hash tag so both keys live in one Redis Cluster slot:

    {prefix}{account}:case          hash  id, last (event time, epoch µs), n, sigs
    {prefix}{account}:joined:{sid}  string  the join result for signal sid

The join runs in one Lua script per signal and its result is remembered per signal,
so a redelivered signal gets exactly the same case, revision and earlier signals:
re-processing after a crash is deterministic. One pipelined round trip per batch.
A case keeps at most `max_signals` earlier signals (the newest), bounding the work.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import redis

from saveroute.context.store import version_of  # epoch microseconds, as the context store orders time
from saveroute.models import Signal

_JOIN = """
local done = redis.call('GET', KEYS[2])
if done then return done end
local case_id = redis.call('HGET', KEYS[1], 'id')
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local now = tonumber(ARGV[2])
if (not case_id) or (now - last > tonumber(ARGV[3])) then
  redis.call('DEL', KEYS[1])
  case_id = ARGV[4]
  redis.call('HSET', KEYS[1], 'id', case_id, 'n', '0', 'sigs', '', 'last', '0')
  last = 0
end
local sigs = redis.call('HGET', KEYS[1], 'sigs')
local n = tonumber(redis.call('HGET', KEYS[1], 'n')) + 1
local result = case_id .. '\\n' .. n .. '\\n' .. sigs
local kept = sigs
if kept == '' then kept = ARGV[1] else kept = kept .. '\\n' .. ARGV[1] end
local count = 1
for _ in string.gmatch(kept, '\\n') do count = count + 1 end
if count > tonumber(ARGV[6]) then
  local cut = string.find(kept, '\\n', 1, true)
  kept = string.sub(kept, cut + 1)
end
if now > last then redis.call('HSET', KEYS[1], 'last', ARGV[2]) end
redis.call('HSET', KEYS[1], 'n', n, 'sigs', kept)
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('SET', KEYS[2], result, 'EX', ARGV[5])
return result
"""


@dataclass(frozen=True)
class CaseJoin:
    case_id: str
    revision: int
    related_signals: list[Signal]


class CaseStore:
    def __init__(self, client: redis.Redis, prefix: str = "saveroute:case:") -> None:
        self._redis = client
        self._prefix = prefix
        # redis-py reloads a registered script when Redis answers NOSCRIPT (after a restart).
        self._join = client.register_script(_JOIN)

    def _case_key(self, account_id: str) -> str:
        return f"{self._prefix}{{{account_id}}}:case"

    def _joined_key(self, account_id: str, signal_id: str) -> str:
        return f"{self._prefix}{{{account_id}}}:joined:{signal_id}"

    def join(self, entries: Sequence[tuple[Signal, datetime]], window_hours: float, max_signals: int,
             retention_seconds: int) -> list[CaseJoin]:
        """The case each (signal, decision time) joins, in order; one round trip."""
        if not entries:
            return []
        window = int(window_hours * 3600 * 1_000_000)
        pipe = self._redis.pipeline(transaction=False)
        for signal, now in entries:
            self._join(
                keys=[self._case_key(signal.account_id), self._joined_key(signal.account_id, signal.signal_id)],
                args=[signal.model_dump_json(), version_of(now), window, f"case-{signal.signal_id}", retention_seconds,
                      max(1, max_signals)],
                client=pipe,
            )
        return [self._parse(raw) for raw in pipe.execute()]

    def close(self, account_ids: Sequence[str]) -> None:
        """An outcome ends the account's open case; the next signal opens a new one."""
        if account_ids:
            self._redis.delete(*(self._case_key(a) for a in account_ids))

    @staticmethod
    def _parse(raw: bytes | str) -> CaseJoin:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        case_id, revision, *related = text.split("\n")
        return CaseJoin(case_id, int(revision), [Signal.model_validate_json(s) for s in related if s])
