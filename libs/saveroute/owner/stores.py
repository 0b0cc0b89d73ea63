"""The owner loop's state in Redis: tasks, chain events, posted messages, claims, deadline timers.

Every write is idempotent or atomic (Lua), so the alerts consumer, the approvals
API and the deadline workers can run as several replicas and be re-run for the
same event without doing anything twice:
- `TaskRegistry`   task id -> the newest revision of the task;
- `ChainLog`       task id -> the chain's events in arrival order (the chain is their fold);
- `MessageStore`   (task id, role) -> the Slack message (channel, ts, round, revision) to update;
- `DecisionClaims` decision id -> pending | done, so a repeated click publishes once;
- `DeadlineTimers` a sorted set scored by due time; a due timer is claimed by exactly one worker.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import redis

from saveroute.models.approval import ApprovalDecision, ApprovalTask
from saveroute.models.approval_chain import ApprovalChainState
from saveroute.owner.chain import ChainEvent, ChainRules, Step, fold, step
from saveroute.owner.slack import Posted


class TaskRegistry:
    _PUT = """
    local current = redis.call('HGET', KEYS[1], 'revision')
    if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
    redis.call('HSET', KEYS[1], 'revision', ARGV[1], 'task', ARGV[2])
    return 1
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._r, self._prefix = client, prefix
        self._put = client.register_script(self._PUT)

    def _key(self, task_id: str) -> str:
        return f"{self._prefix}task:{task_id}"

    def put(self, task: ApprovalTask) -> bool:
        """Keep `task` if it is new or a newer revision; True when it was kept."""
        return bool(self._put(keys=[self._key(task.task_id)], args=[task.revision, task.model_dump_json()]))

    def get(self, task_id: str) -> ApprovalTask | None:
        raw = self._r.hget(self._key(task_id), "task")
        return ApprovalTask.model_validate_json(raw) if raw else None


class ChainLog:
    """The chain's events per task; appending the same event twice keeps one copy."""

    _APPEND = """
    if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
    redis.call('RPUSH', KEYS[2], ARGV[2])
    return 1
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._r, self._prefix = client, prefix
        self._append = client.register_script(self._APPEND)

    @staticmethod
    def event_key(event: ChainEvent) -> str:
        if isinstance(event, ApprovalTask):
            return f"task:r{event.revision}"
        return f"decision:{event.decision_id}"

    def append(self, task_id: str, event: ChainEvent) -> bool:
        kind = "task" if isinstance(event, ApprovalTask) else "decision"
        entry = json.dumps({"kind": kind, "event": event.model_dump(mode="json")})
        keys = [f"{self._prefix}chain:{task_id}:seen", f"{self._prefix}chain:{task_id}:events"]
        return bool(self._append(keys=keys, args=[self.event_key(event), entry]))

    def events(self, task_id: str) -> list[ChainEvent]:
        out: list[ChainEvent] = []
        for raw in self._r.lrange(f"{self._prefix}chain:{task_id}:events", 0, -1):
            entry = json.loads(raw)
            model = ApprovalTask if entry["kind"] == "task" else ApprovalDecision
            out.append(model.model_validate(entry["event"]))
        return out

    def state(self, task_id: str, rules: ChainRules) -> ApprovalChainState | None:
        return fold(self.events(task_id), rules)

    def step_and_state(self, task_id: str, event: ChainEvent,
                       rules: ChainRules) -> tuple[Step | None, ApprovalChainState | None]:
        """What `event` did to the chain where it sits in the log (the same answer on every re-run),
        and the chain's state after the whole log: one read, one fold."""
        wanted = self.event_key(event)
        found: Step | None = None
        state: ApprovalChainState | None = None
        for logged in self.events(task_id):
            result = step(state, logged, rules)
            if found is None and self.event_key(logged) == wanted:
                found = result
            if result is not None:
                state = result.state
        return found, state


@dataclass(frozen=True)
class StoredMessage:
    posted: Posted
    version: str  # what the message shows (see `message_version`); equal means no update needed


def message_version(task: ApprovalTask, state: ApprovalChainState) -> str:
    approved = ",".join(str(r) for r in state.approved)
    return f"r{task.revision}.n{state.round}.{state.status}.{approved}.{state.last_decision_id or '-'}"


class MessageStore:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._r, self._prefix = client, prefix

    def _key(self, task_id: str) -> str:
        return f"{self._prefix}messages:{task_id}"

    @staticmethod
    def _parse(raw: bytes | str) -> StoredMessage:
        data = json.loads(raw)
        return StoredMessage(Posted(data["channel"], data["ts"]), data["version"])

    def get(self, task_id: str, slot: str) -> StoredMessage | None:
        raw = self._r.hget(self._key(task_id), slot)
        return self._parse(raw) if raw else None

    def all(self, task_id: str) -> dict[str, StoredMessage]:
        """Every slot's message in one round trip (HGETALL)."""
        return {
            (slot.decode() if isinstance(slot, bytes) else slot): self._parse(raw)
            for slot, raw in self._r.hgetall(self._key(task_id)).items() if raw
        }

    def put(self, task_id: str, slot: str, message: StoredMessage) -> None:
        data = {"channel": message.posted.channel, "ts": message.posted.ts, "version": message.version}
        self._r.hset(self._key(task_id), slot, json.dumps(data))


ClaimState = Literal["claimed", "pending", "done"]


class DecisionClaims:
    """At most one publisher per decision id; a failed publish releases its claim."""

    def __init__(self, client: redis.Redis, prefix: str, pending_ttl_s: int = 60) -> None:
        self._r, self._prefix, self._ttl = client, prefix, pending_ttl_s

    def _key(self, decision_id: str) -> str:
        return f"{self._prefix}decided:{decision_id}"

    def status(self, decision_id: str) -> str | None:
        raw = self._r.get(self._key(decision_id))
        return raw.decode() if isinstance(raw, bytes) else raw

    def claim(self, decision_id: str) -> ClaimState:
        if self._r.set(self._key(decision_id), "pending", nx=True, ex=self._ttl):
            return "claimed"
        return "done" if self.status(decision_id) == "done" else "pending"

    def done(self, decision_id: str) -> None:
        self._r.set(self._key(decision_id), "done")

    def release(self, decision_id: str) -> None:
        self._r.delete(self._key(decision_id))


class DeadlineTimers:
    """Due times in a sorted set; claiming moves a timer to an in-flight set under a lease.

    A worker that dies after claiming leaves its lease to expire; `reclaim_expired`
    puts the timer back, so an escalation is never lost. A timer whose task was
    answered (cancelled) or escalated (fired) is never scheduled again.
    """

    _SCHEDULE = """
    if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 0 end
    if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 0 end
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
    return 1
    """
    _CLAIM = """
    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
    local claimed = {}
    for _, member in ipairs(due) do
      if redis.call('ZREM', KEYS[1], member) == 1 then
        redis.call('ZADD', KEYS[2], ARGV[2], member)
        table.insert(claimed, member)
      end
    end
    return claimed
    """
    _FINISH = """
    redis.call('ZREM', KEYS[1], ARGV[1])
    redis.call('ZREM', KEYS[2], ARGV[1])
    if ARGV[2] == 'cancelled' and redis.call('HGET', KEYS[3], ARGV[1]) == 'fired' then return 0 end
    redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
    return 1
    """
    _RECLAIM = """
    local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
    for _, member in ipairs(expired) do
      redis.call('ZREM', KEYS[2], member)
      if redis.call('HEXISTS', KEYS[3], member) == 0 then redis.call('ZADD', KEYS[1], ARGV[1], member) end
    end
    return #expired
    """

    _REQUEUE = """
    if redis.call('ZREM', KEYS[2], ARGV[2]) == 0 then return 0 end
    if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 0 end
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
    return 1
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._r = client
        self._keys = [f"{prefix}deadlines:pending", f"{prefix}deadlines:inflight", f"{prefix}deadlines:final"]
        self._schedule = client.register_script(self._SCHEDULE)
        self._claim = client.register_script(self._CLAIM)
        self._finish = client.register_script(self._FINISH)
        self._reclaim = client.register_script(self._RECLAIM)
        self._requeue = client.register_script(self._REQUEUE)

    def schedule(self, task_id: str, due_epoch: float) -> bool:
        """Arm (or move) the timer; a no-op once the task was answered or escalated."""
        return bool(self._schedule(keys=self._keys, args=[due_epoch, task_id]))

    def claim_due(self, now_epoch: float, lease_s: float, limit: int = 100) -> list[str]:
        raw = self._claim(keys=self._keys, args=[now_epoch, now_epoch + lease_s, limit])
        return [m.decode() if isinstance(m, bytes) else m for m in raw]

    def cancel(self, task_id: str) -> bool:
        """The owner answered: the timer will not fire (unless it already did)."""
        return bool(self._finish(keys=self._keys, args=[task_id, "cancelled"]))

    def fired(self, task_id: str) -> None:
        self._finish(keys=self._keys, args=[task_id, "fired"])

    def requeue(self, task_id: str, due_epoch: float) -> bool:
        """A claimed timer that is not due after all (the task was revised): back to waiting."""
        return bool(self._requeue(keys=self._keys, args=[due_epoch, task_id]))

    def reclaim_expired(self, now_epoch: float) -> int:
        return int(self._reclaim(keys=self._keys, args=[now_epoch]))

    def final_state(self, task_id: str) -> str | None:
        raw = self._r.hget(self._keys[2], task_id)
        return raw.decode() if isinstance(raw, bytes) else raw

    def pending(self) -> Sequence[str]:
        return [m.decode() for m in self._r.zrange(self._keys[0], 0, -1)]


@dataclass(frozen=True)
class OwnerStores:
    """All of the above on one Redis connection and key prefix."""

    tasks: TaskRegistry
    chains: ChainLog
    messages: MessageStore
    claims: DecisionClaims
    timers: DeadlineTimers

    @classmethod
    def connect(cls, url: str, prefix: str) -> "OwnerStores":
        return cls.on(redis.Redis.from_url(url), prefix)

    @classmethod
    def on(cls, client: redis.Redis, prefix: str) -> "OwnerStores":
        return cls(TaskRegistry(client, prefix), ChainLog(client, prefix), MessageStore(client, prefix),
                   DecisionClaims(client, prefix), DeadlineTimers(client, prefix))
