"""The gateway's Redis state: delivery claims (idempotency) and last known account facts.

Keys (all under the configured prefix):
    {prefix}seen:{source}:{event_id}  "pending" while a delivery is being published (short TTL),
                                      then "done" for the idempotency TTL
    {prefix}facts:{account_id}        JSON of the account facts merged so far (ContextStore)
    {prefix}alias:{alias}             the saveroute account id a source-local name links to
"""

import json
from enum import Enum
from typing import Any

import redis

PENDING, DONE = "pending", "done"


class Claim(Enum):
    NEW = "new"  # this request owns the event id now
    DONE = "done"  # already published: acknowledge, publish nothing
    BUSY = "busy"  # another request is publishing it right now


class DeliveryClaims:
    """SET NX claims on source event ids: a retried webhook is published once."""

    def __init__(self, client: redis.Redis, prefix: str, ttl_s: int, claim_ttl_s: int) -> None:
        self.client, self.prefix, self.ttl_s, self.claim_ttl_s = client, prefix, ttl_s, claim_ttl_s

    def _key(self, source: str, event_id: str) -> str:
        return f"{self.prefix}seen:{source}:{event_id}"

    def claim(self, source: str, event_id: str) -> Claim:
        key = self._key(source, event_id)
        if self.client.set(key, PENDING, nx=True, ex=self.claim_ttl_s):
            return Claim.NEW
        return Claim.DONE if self.client.get(key) == DONE.encode() else Claim.BUSY

    def complete(self, source: str, event_id: str) -> None:
        self.client.set(self._key(source, event_id), DONE, ex=self.ttl_s)

    def release(self, source: str, event_id: str) -> None:
        """Give a claim back after a failed publish so the source's retry can succeed."""
        key = self._key(source, event_id)
        if self.client.get(key) == PENDING.encode():
            self.client.delete(key)


class RedisContextStore:
    """saveroute.ingest.context.ContextStore in Redis (last write wins per account)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client, self.prefix = client, prefix

    def load(self, account_id: str) -> dict[str, Any] | None:
        raw = self.client.get(f"{self.prefix}facts:{account_id}")
        return json.loads(raw) if raw else None

    def save(self, account_id: str, facts: dict[str, Any]) -> None:
        self.client.set(f"{self.prefix}facts:{account_id}", json.dumps(facts, sort_keys=True))

    def resolve_alias(self, alias: str) -> str | None:
        raw = self.client.get(f"{self.prefix}alias:{alias}")
        return raw.decode() if raw else None

    def link_alias(self, alias: str, account_id: str) -> None:
        self.client.set(f"{self.prefix}alias:{alias}", account_id)
