"""Put context and signals on a running stack, context first and known to be stored.

Account context and tickets travel on their own topics, so Kafka alone does not order
them before the signals that need them. Everything that publishes a whole picture at
once (`saveroute up`/`demo`, `saveroute replay`, the end-to-end tests) goes through
here: publish the context, wait until the enrichment service's store holds it, then
publish the signals. A signal may carry its decision time as the record timestamp
(see `services.enrichment.handler`).
"""

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saveroute.context import ContextStore
from saveroute.context.store import ticket_version, version_of
from saveroute.models import AccountContext, Signal, SupportTicket
from saveroute.runtime import EventProducer
from saveroute.topics import ACCOUNT_CONTEXT, SIGNALS, SUPPORT_TICKETS


class ContextNotStored(TimeoutError):
    """The enrichment service did not store the published context in time."""


@dataclass(frozen=True)
class TimedSignal:
    signal: Signal
    timestamp_ms: int | None = None  # the record timestamp: the decision time (None: now)


def publish_context(
    producer: EventProducer, accounts: Iterable[AccountContext], tickets: Iterable[SupportTicket]
) -> None:
    """Publish accounts and tickets (each ticket must name its account) and wait for acks."""
    for account in accounts:
        producer.publish(ACCOUNT_CONTEXT, account.account_id, account)
    for ticket in tickets:
        if not ticket.account_id:
            raise ValueError(f"ticket {ticket.ticket_id}: account_id is required to publish it")
        producer.publish(SUPPORT_TICKETS, ticket.account_id, ticket)
    producer.flush()


def wait_until_stored(
    store: ContextStore,
    accounts: Sequence[AccountContext],
    tickets: Sequence[SupportTicket],
    timeout: float = 60.0,
) -> None:
    """Poll the store until it holds every account and ticket at (at least) these versions."""
    deadline = time.monotonic() + timeout
    while True:
        missing = _not_yet_stored(store, accounts, tickets)
        if not missing:
            return
        if time.monotonic() > deadline:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise ContextNotStored(
                f"{len(missing)} context update(s) not stored by the enrichment service after "
                f"{timeout:.0f}s (is it running?): {shown}"
            )
        time.sleep(0.1)


def _not_yet_stored(
    store: ContextStore, accounts: Sequence[AccountContext], tickets: Sequence[SupportTicket]
) -> list[str]:
    ids = {a.account_id for a in accounts} | {t.account_id for t in tickets if t.account_id}
    snapshots = store.fetch(sorted(ids))
    missing = []
    for account in accounts:
        stored = snapshots[account.account_id].account
        if stored is None or version_of(stored.as_of) < version_of(account.as_of):
            missing.append(f"account {account.account_id}")
    for ticket in tickets:
        stored_tickets = {t.ticket_id: t for t in snapshots[ticket.account_id or ""].tickets}
        stored = stored_tickets.get(ticket.ticket_id)
        if stored is None or ticket_version(stored) < ticket_version(ticket):
            missing.append(f"ticket {ticket.ticket_id}")
    return missing


def publish_signals(producer: EventProducer, signals: Iterable[TimedSignal]) -> None:
    """Publish signals keyed by account, each with its timestamp, and wait for acks."""
    for timed in signals:
        producer.publish(SIGNALS, timed.signal.account_id, timed.signal, timestamp_ms=timed.timestamp_ms)
    producer.flush()
