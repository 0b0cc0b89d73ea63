"""Replay scenario files through a running stack and collect the decisions it makes.

A scenario is a signal plus the account and tickets known at `now`. Replaying one:
1. the account and tickets go to the context topics, and we wait until the enrichment
   service has stored them (so the signal is joined with exactly this context, unless
   the store already holds a newer version of it);
2. the signal goes to the signals topic with `now` as its record timestamp, which the
   enrichment service uses as the decision time;
3. the decision is read back from the decisions topic by signal id; a signal a stage
   dead-lettered comes back as an error line naming the service and the reason.

A signal id is decided once (the stages are idempotent on it): replaying a file twice
returns the decisions made the first time. Lines that are not valid scenarios get the
very error line `saveroute route` writes (`saveroute.scenario_io`).
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from saveroute.context import ContextSettings, ContextStore
from saveroute.models import ClassifiedCase, DeadLetter, Decision, DecisionError, EnrichedCase, Scenario, Signal
from saveroute.runtime import EventProducer, RuntimeSettings
from saveroute.runtime.codec import TopicCodec
from saveroute.runtime.idempotency import make_redis
from saveroute.serde import DecodeError
from saveroute.stack.feeder import TimedSignal, publish_context, publish_signals, wait_until_stored
from saveroute.stack.reader import TopicReader
from saveroute.topics import DEAD_LETTERS, DECISIONS, by_name

Item = Scenario | DecisionError


@dataclass(frozen=True)
class ReplayResult:
    lines: list[dict[str, Any]]  # one contract line per input line, in input order
    failed: int  # lines that are errors (invalid, dead-lettered or not decided in time)


def timestamp_ms(scenario: Scenario) -> int:
    return int(scenario.now.timestamp() * 1000)


def publish_scenarios(settings: RuntimeSettings, scenarios: list[Scenario], context_timeout: float = 60.0) -> None:
    accounts = [s.account for s in scenarios if s.account is not None]
    tickets = [t.model_copy(update={"account_id": s.signal.account_id}) for s in scenarios for t in s.tickets]
    store = ContextStore(make_redis(str(settings.redis_url)), ContextSettings().context_key_prefix)
    with EventProducer(settings) as producer:
        publish_context(producer, accounts, tickets)
        wait_until_stored(store, accounts, tickets, timeout=context_timeout)
        publish_signals(producer, [TimedSignal(s.signal, timestamp_ms(s)) for s in scenarios])


def collect_outcomes(settings: RuntimeSettings, signal_ids: set[str], timeout: float) -> dict[str, Decision | DecisionError]:
    """Each signal's decision, or an error for one a stage dead-lettered; missing ids are absent."""
    found: dict[str, Decision | DecisionError] = {}
    deadline = time.monotonic() + timeout
    with TopicReader(settings, [DECISIONS, DEAD_LETTERS]) as reader:
        while len(found) < len(signal_ids) and time.monotonic() < deadline:
            for record in reader.poll():
                value = record.value
                if isinstance(value, Decision) and value.signal_id in signal_ids:
                    found.setdefault(value.signal_id, value)
                elif isinstance(value, DeadLetter):
                    signal_id = _dead_letter_signal_id(reader.codec, value)
                    if signal_id in signal_ids and signal_id not in found:
                        found[signal_id] = DecisionError(
                            signal_id=signal_id,
                            error=f"dead-lettered by {value.service} ({value.error_type}): {value.error}")
    return found


def replay(settings: RuntimeSettings, items: Iterable[Item], timeout: float = 120.0) -> ReplayResult:
    items = list(items)
    scenarios = [item for item in items if isinstance(item, Scenario)]
    if scenarios:
        publish_scenarios(settings, scenarios)
    wanted = {s.signal.signal_id for s in scenarios}
    outcomes = collect_outcomes(settings, wanted, timeout) if wanted else {}
    lines, failed = [], 0
    for item in items:
        if isinstance(item, Scenario):
            signal_id = item.signal.signal_id
            outcome = outcomes.get(signal_id) or DecisionError(
                signal_id=signal_id, error=f"no decision arrived within {timeout:.0f}s (is every service running?)")
        else:
            outcome = item
        failed += isinstance(outcome, DecisionError)
        lines.append(outcome.to_contract())
    return ReplayResult(lines, failed)


def _dead_letter_signal_id(codec: TopicCodec, letter: DeadLetter) -> str | None:
    """The signal id behind a dead letter, when its original bytes can still be read."""
    if not letter.original_value:
        return None
    try:
        value: BaseModel = codec.decode(by_name(letter.topic), letter.original_value)
    except (DecodeError, KeyError):
        return None
    if isinstance(value, Signal):
        return value.signal_id
    if isinstance(value, EnrichedCase):
        return value.signal.signal_id
    if isinstance(value, ClassifiedCase):
        return value.case.signal.signal_id
    return None
