"""The gateway's Redis state: delivery claims (idempotency) and last known account facts.

Keys (all under the configured prefix):
    {prefix}seen:{source}:{event_id}  "pending" while a delivery is being published (short TTL),
                                      then "done" for the idempotency TTL
    {prefix}facts:{account_id}        JSON of the account facts merged so far (ContextStore)
    {prefix}alias:{alias}             the saveroute account id a source-local name links to
"""

import json
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import redis

PENDING, DONE = "pending", "done"


class Claim(Enum):
    NEW = "new"  # this request owns the event id now
    DONE = "done"  # already published: acknowledge, publish nothing
    BUSY = "busy"  # another request is publishing it right now


Key = tuple[str, str]  # (source, event id)


class DeliveryClaims:
    """SET NX claims on source event ids: a retried webhook is published once.

    Every method takes all of a request's event ids and costs one pipelined round trip
    (release: two), whatever the number of events in the delivery.
    """

    def __init__(self, client: redis.Redis, prefix: str, ttl_s: int, claim_ttl_s: int) -> None:
        self.client, self.prefix, self.ttl_s, self.claim_ttl_s = client, prefix, ttl_s, claim_ttl_s

    def _key(self, key: Key) -> str:
        source, event_id = key
        return f"{self.prefix}seen:{source}:{event_id}"

    def claim(self, keys: Sequence[Key]) -> list[Claim]:
        if not keys:
            return []
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.set(self._key(key), PENDING, nx=True, ex=self.claim_ttl_s)
            pipe.get(self._key(key))  # after the SET: ours ("pending") or what was already there
        replies = pipe.execute()
        return [Claim.NEW if won else Claim.DONE if held == DONE.encode() else Claim.BUSY
                for won, held in zip(replies[::2], replies[1::2])]

    def complete(self, keys: Sequence[Key]) -> None:
        if keys:
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.set(self._key(key), DONE, ex=self.ttl_s)
            pipe.execute()

    def release(self, keys: Sequence[Key]) -> None:
        """Give claims back after a failed publish so the source's retry can succeed."""
        if not keys:
            return
        names = [self._key(key) for key in keys]
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.get(name)
        pending = [name for name, held in zip(names, pipe.execute()) if held == PENDING.encode()]
        for name in pending:
            pipe.delete(name)
        pipe.execute()


class RedisContextStore:
    """saveroute.ingest.context.ContextStore in Redis for one request (last write wins per account).

    Each key is read at most once per request and the writes are held until `commit()`,
    which sends them in one pipeline: a delivery of many property changes costs a read
    per account it names, not a round trip per field.
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client, self.prefix = client, prefix
        self._known: dict[str, Any] = {}  # Redis key -> decoded value (None: absent)
        self._unsaved: dict[str, str] = {}  # Redis key -> value to write on commit

    def _read(self, key: str, decode: Callable[[bytes], Any]) -> Any:
        if key not in self._known:
            raw = self.client.get(key)
            self._known[key] = decode(raw) if raw else None
        return self._known[key]

    def _write(self, key: str, value: Any, raw: str) -> None:
        self._known[key], self._unsaved[key] = value, raw

    def load(self, account_id: str) -> dict[str, Any] | None:
        return self._read(f"{self.prefix}facts:{account_id}", json.loads)

    def save(self, account_id: str, facts: dict[str, Any]) -> None:
        self._write(f"{self.prefix}facts:{account_id}", facts, json.dumps(facts, sort_keys=True))

    def resolve_alias(self, alias: str) -> str | None:
        return self._read(f"{self.prefix}alias:{alias}", bytes.decode)

    def link_alias(self, alias: str, account_id: str) -> None:
        self._write(f"{self.prefix}alias:{alias}", account_id, account_id)

    def commit(self) -> None:
        if self._unsaved:
            pipe = self.client.pipeline(transaction=False)
            for key, raw in self._unsaved.items():
                pipe.set(key, raw)
            pipe.execute()
            self._unsaved = {}
