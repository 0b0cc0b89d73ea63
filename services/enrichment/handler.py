"""The enrichment stage: store context updates, join signals with context, call `enrich`.

Inputs: account context, support tickets and signals (all keyed by account id).
Output: one `EnrichedCase` per signal on the enriched-cases topic.

Decision time. A case is decided "as of" the moment the signal entered saveroute: the
signal record's Kafka timestamp (CreateTime, set by whoever published it). For a live
signal that is the gateway's publish time, i.e. processing time; re-processing the same
record after a crash gives exactly the same case. `saveroute replay` publishes each
scenario's signal with the scenario's `now` as the record timestamp, so the stack
decides exactly as `saveroute route` does (to the millisecond: Kafka timestamps have no
finer grain). A record without a timestamp falls back to the clock.

Ordering. Context and signals travel on different topics, so Kafka orders them only
within a topic. Within one batch, context updates are stored before any signal is
joined. Across batches, a signal is joined with whatever context is stored when it is
processed: publishers that need a specific context (replay, the demo, the tests) wait
until the store holds it before publishing the signal (`saveroute.stack.feeder`).

Cases. Signals for the same account within the policy's window join one open case
(`saveroute.cases`): the enriched case carries the case id, its revision and the case's
earlier signals, so classification reads the whole episode and routing updates the one
owner task instead of opening another. An outcome for the account closes its case.

Redis cost: one pipelined round trip to store a batch's context updates, one to read
the context of every account its signals name, and one to join their cases; never one
per message.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timezone

from pydantic import BaseModel

from saveroute.cases import CaseJoin, CaseStore
from saveroute.context import AccountSnapshot, ContextStore
from saveroute.models import AccountContext, EnrichedCase, Outcome, Scenario, Signal, SupportTicket
from saveroute.policy import Policy
from saveroute.runtime import Err, InMessage, Ok, OutMessage
from saveroute.runtime.messages import Result
from saveroute.topics import ACCOUNT_CONTEXT, ENRICHED_CASES, OUTCOMES, SIGNALS, SUPPORT_TICKETS, Topic

Enrich = Callable[..., EnrichedCase]  # saveroute.engine.enrich
CASE_RETENTION_SECONDS = 14 * 86400  # how long Redis keeps a case after its last signal


def event_id(topic: Topic, value: BaseModel) -> str:
    """A signal's own id; for context updates, a digest of their content (same update, same id)."""
    if isinstance(value, Signal):
        return value.signal_id
    if isinstance(value, Outcome):
        return f"outcome:{value.outcome_id}"
    digest = hashlib.blake2b(value.model_dump_json().encode(), digest_size=16).hexdigest()
    if isinstance(value, AccountContext):
        return f"account:{value.account_id}:{digest}"
    if isinstance(value, SupportTicket):
        return f"ticket:{value.ticket_id}:{digest}"
    raise TypeError(f"enrichment does not read {type(value).__name__} from {topic.name}")


def decision_time(message: InMessage) -> datetime:
    if message.timestamp_ms > 0:
        return datetime.fromtimestamp(message.timestamp_ms / 1000, tz=timezone.utc)
    return datetime.now(timezone.utc)


class EnrichmentHandler:
    def __init__(self, store: ContextStore, policy: Policy, enrich: Enrich, cases: CaseStore) -> None:
        self.store = store
        self.policy = policy
        self.enrich = enrich
        self.cases = cases

    def __call__(self, messages: list[InMessage]) -> list[Result]:
        results: list[Result | None] = [None] * len(messages)
        accounts: list[AccountContext] = []
        tickets: list[tuple[str, SupportTicket]] = []
        signals: list[int] = []
        closed: list[str] = []
        for index, message in enumerate(messages):
            value = message.value
            if message.topic == ACCOUNT_CONTEXT.name:
                accounts.append(value)
                results[index] = Ok([])
            elif message.topic == SUPPORT_TICKETS.name:
                account_id = value.account_id or _key_text(message)
                if not account_id:
                    results[index] = Err("invalid", "account_id: a ticket on the support-ticket topic "
                                                    "must name its account (field or record key)")
                    continue
                tickets.append((account_id, value))
                results[index] = Ok([])
            elif message.topic == SIGNALS.name:
                signals.append(index)
            elif message.topic == OUTCOMES.name:
                closed.append(value.account_id)
                results[index] = Ok([])
            else:
                results[index] = Err("invalid", f"topic: enrichment does not read {message.topic}")
        self.store.apply(accounts, tickets)  # context first: a batch's signals see its updates
        self.cases.close(closed)
        if signals:
            snapshots = self.store.fetch(messages[i].value.account_id for i in signals)
            entries = [(messages[i].value, decision_time(messages[i])) for i in signals]
            joins = self.cases.join(entries, self.policy.cases.window_hours, self.policy.cases.max_signals,
                                    CASE_RETENTION_SECONDS)
            for index, (signal, now), join in zip(signals, entries, joins):
                results[index] = self._enrich_one(signal, now, snapshots[signal.account_id], join)
        return results  # type: ignore[return-value]

    def _enrich_one(self, signal: Signal, now: datetime, snapshot: AccountSnapshot, join: CaseJoin) -> Result:
        scenario = Scenario(now=now, signal=signal, account=snapshot.account, tickets=snapshot.tickets)
        # An exception here is isolated by the runtime: this signal alone is dead-lettered.
        case = self.enrich(scenario, self.policy, case_id=join.case_id, related_signals=join.related_signals,
                           revision=join.revision)
        return Ok([OutMessage(ENRICHED_CASES, signal.account_id, case)])


def _key_text(message: InMessage) -> str | None:
    return message.key.decode("utf-8", errors="replace") if message.key else None


INPUTS = [ACCOUNT_CONTEXT, SUPPORT_TICKETS, SIGNALS, OUTCOMES]
