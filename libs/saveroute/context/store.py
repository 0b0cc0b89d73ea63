"""Redis-backed account and ticket context: newest version wins, one round trip per batch.

The enrichment service writes what arrives on the account-context and support-ticket
topics here and reads it back when a signal arrives. Both writes and reads are
batched: a whole consumer batch costs one pipelined round trip, never one per message.

Layout (every key starts with the configured prefix):

    {prefix}account:{account_id}   hash  v -> version (epoch microseconds of as_of)
                                          j -> the AccountContext as JSON
    {prefix}tickets:{account_id}   hash  {ticket_id} -> "{version}:{SupportTicket JSON}"
                                          version = updated_at, else created_at

A write carrying an older version than the one stored is ignored, so out-of-order or
re-delivered updates can never roll the context back; an equal version overwrites
(re-delivery of the same update is harmless). The compare-and-set runs in a Lua
script, so concurrent writers (several enrichment replicas) stay correct.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import redis

from saveroute.models import AccountContext, SupportTicket

_PUT_ACCOUNT = """
local cur = redis.call('HGET', KEYS[1], 'v')
if cur and tonumber(cur) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'j', ARGV[2])
return 1
"""

_PUT_TICKET = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local sep = string.find(cur, ':', 1, true)
  if sep and tonumber(string.sub(cur, 1, sep - 1)) > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
return 1
"""


def version_of(moment: datetime) -> int:
    """Epoch microseconds: an exact integer order for UTC timestamps (fits a Lua double)."""
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def ticket_version(ticket: SupportTicket) -> int:
    return version_of(ticket.updated_at or ticket.created_at)


@dataclass(frozen=True)
class AccountSnapshot:
    """What the store knows about one account: its context (if any) and its tickets."""

    account: AccountContext | None = None
    tickets: list[SupportTicket] = field(default_factory=list)


class ContextStore:
    def __init__(self, client: redis.Redis, prefix: str = "saveroute:ctx:") -> None:
        self._redis = client
        self._prefix = prefix
        self._shas: tuple[str, str] | None = None

    def account_key(self, account_id: str) -> str:
        return f"{self._prefix}account:{account_id}"

    def tickets_key(self, account_id: str) -> str:
        return f"{self._prefix}tickets:{account_id}"

    def apply(
        self,
        accounts: Sequence[AccountContext] = (),
        tickets: Sequence[tuple[str, SupportTicket]] = (),
    ) -> list[bool]:
        """Store accounts and (account_id, ticket) pairs in one round trip.

        Returns, in input order (accounts first, then tickets), whether each write took
        effect (False: a strictly newer version was already stored).
        """
        if not accounts and not tickets:
            return []
        try:
            return self._apply_once(accounts, tickets)
        except redis.exceptions.NoScriptError:
            # Redis restarted and forgot the scripts: load them again. Re-running the
            # writes that did go through is harmless (compare-and-set on the version).
            self._shas = None
            return self._apply_once(accounts, tickets)

    def _scripts(self) -> tuple[str, str]:
        if self._shas is None:
            self._shas = (self._redis.script_load(_PUT_ACCOUNT), self._redis.script_load(_PUT_TICKET))
        return self._shas

    def _apply_once(
        self, accounts: Sequence[AccountContext], tickets: Sequence[tuple[str, SupportTicket]]
    ) -> list[bool]:
        # EVALSHA directly rather than redis-py Script objects: those add a SCRIPT EXISTS
        # round trip to every pipeline.
        put_account, put_ticket = self._scripts()
        pipe = self._redis.pipeline(transaction=False)
        for account in accounts:
            pipe.evalsha(
                put_account, 1, self.account_key(account.account_id),
                version_of(account.as_of), account.model_dump_json(),
            )
        for account_id, ticket in tickets:
            pipe.evalsha(
                put_ticket, 1, self.tickets_key(account_id),
                ticket.ticket_id, ticket_version(ticket), ticket.model_dump_json(),
            )
        return [bool(result) for result in pipe.execute()]

    def fetch(self, account_ids: Iterable[str]) -> dict[str, AccountSnapshot]:
        """The snapshot of every given account, in one round trip.

        Tickets come back ordered by (created_at, ticket_id) so the same stored state
        always yields the same list, whatever order the updates arrived in.
        """
        wanted = list(dict.fromkeys(account_ids))
        if not wanted:
            return {}
        pipe = self._redis.pipeline(transaction=False)
        for account_id in wanted:
            pipe.hget(self.account_key(account_id), "j")
            pipe.hvals(self.tickets_key(account_id))
        replies = pipe.execute()
        snapshots: dict[str, AccountSnapshot] = {}
        for index, account_id in enumerate(wanted):
            account_json, ticket_values = replies[2 * index], replies[2 * index + 1]
            account = AccountContext.model_validate_json(account_json) if account_json else None
            tickets = [_ticket_from_value(value) for value in ticket_values]
            tickets.sort(key=lambda t: (t.created_at, t.ticket_id))
            snapshots[account_id] = AccountSnapshot(account, tickets)
        return snapshots


def _ticket_from_value(value: bytes) -> SupportTicket:
    _, _, body = value.partition(b":")
    return SupportTicket.model_validate_json(body)
