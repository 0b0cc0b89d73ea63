"""One batch, as pure steps: decode, drop what is already done, turn results into records.

Nothing here talks to Kafka or Redis, so every decision about a batch (which message is
a duplicate, what goes to the dead-letter topic, which offsets to commit) is a plain
function the unit tests can check. `loop.py` strings these steps together with the I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from saveroute.models import DeadLetter
from saveroute.runtime.dead_letters import ErrorType, build_dead_letter, decode_error_type, describe
from saveroute.runtime.messages import EventIdOf, InMessage, OutMessage, Result, Err, Ok
from saveroute.serde import DecodeError, encode_key
from saveroute.topics import DEAD_LETTERS, Topic

EVENT_ID_HEADER = "saveroute-event-id"


@dataclass(frozen=True)
class RawRecord:
    """A consumed Kafka record, copied out of the client's message object."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int = 0

    @classmethod
    def from_kafka(cls, msg: Any) -> RawRecord:
        _kind, ts = msg.timestamp()
        return cls(msg.topic(), msg.partition(), msg.offset(), msg.key(), msg.value(), int(ts or 0))


@dataclass(frozen=True)
class Rejected:
    """A record that never reaches the handler: it goes to the dead-letter topic."""

    record: RawRecord
    error_type: ErrorType
    error: str

    @property
    def idempotency_id(self) -> str:
        # No event id can be read from it; its coordinates identify it on replay.
        return f"@{self.record.topic}/{self.record.partition}/{self.record.offset}"


Decoded = InMessage | Rejected


def idempotency_id(item: Decoded) -> str:
    return item.event_id if isinstance(item, InMessage) else item.idempotency_id


def decode_record(
    record: RawRecord,
    topic: Topic,
    decode: Callable[[Topic, bytes], BaseModel],
    event_id_of: EventIdOf,
) -> Decoded:
    """The record as an `InMessage`, or `Rejected` with the reason. Transient errors propagate."""
    if record.value is None:
        return Rejected(record, "undecodable", "empty value (tombstone) where a record was expected")
    try:
        value = decode(topic, record.value)
    except DecodeError as exc:
        return Rejected(record, decode_error_type(exc), str(exc))
    try:
        event_id = event_id_of(topic, value)
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        return Rejected(record, "invalid", f"no event id: {describe(exc)}")
    if not event_id:
        return Rejected(record, "invalid", "event id is empty")
    return InMessage(record.topic, record.partition, record.offset, record.key, value, record.value,
                     str(event_id), record.timestamp_ms)


def split_fresh(items: Sequence[Decoded], done: set[str]) -> tuple[list[Decoded], list[Decoded]]:
    """(fresh, duplicates): duplicates are already done, or repeat an earlier item in this batch."""
    seen = set(done)
    fresh: list[Decoded] = []
    duplicates: list[Decoded] = []
    for item in items:
        key = idempotency_id(item)
        if key in seen:
            duplicates.append(item)
        else:
            seen.add(key)
            fresh.append(item)
    return fresh, duplicates


@dataclass(frozen=True)
class WireRecord:
    """A record ready to produce."""

    topic: str
    key: bytes | None
    value: bytes
    event_id: str

    @property
    def headers(self) -> list[tuple[str, bytes]]:
        return [(EVENT_ID_HEADER, self.event_id.encode())]


@dataclass
class BatchOutput:
    records: list[WireRecord] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    done_ids: list[str] = field(default_factory=list)
    produced_per_topic: dict[str, int] = field(default_factory=dict)


def dead_letter_for(item: Rejected | InMessage, service: str, error_type: ErrorType, error: str) -> DeadLetter:
    rec = item.record if isinstance(item, Rejected) else item
    value = rec.value if isinstance(rec, RawRecord) else rec.raw
    return build_dead_letter(value=value, key=rec.key, topic=rec.topic, partition=rec.partition,
                             offset=rec.offset, service=service, error=error, error_type=error_type)


def collect_outputs(
    service: str,
    rejected: Iterable[Rejected],
    handled: Sequence[InMessage],
    results: Sequence[Result],
    encode: Callable[[Topic, BaseModel], bytes],
) -> BatchOutput:
    """Every record this batch must produce, and every idempotency id it completes."""
    if len(results) != len(handled):
        raise RuntimeError(f"stage {service} returned {len(results)} results for {len(handled)} messages")
    out = BatchOutput()

    def dead(item: Rejected | InMessage, error_type: ErrorType, error: str) -> None:
        letter = dead_letter_for(item, service, error_type, error)
        out.records.append(WireRecord(DEAD_LETTERS.name, letter.original_key, encode(DEAD_LETTERS, letter),
                                      idempotency_id(item)))
        out.dead_letters.append(letter)
        out.done_ids.append(idempotency_id(item))

    for item in rejected:
        dead(item, item.error_type, item.error)
    for msg, result in zip(handled, results):
        if isinstance(result, Err):
            dead(msg, result.kind, result.reason)
            continue
        if not isinstance(result, Ok):
            dead(msg, "handler_failed", f"handler returned {type(result).__name__}, not Ok or Err")
            continue
        try:
            records = [_wire(out_msg, msg.event_id, encode) for out_msg in result.outputs]
        except (TypeError, ValueError, KeyError) as exc:  # an output the topic cannot carry
            dead(msg, "handler_failed", f"output could not be encoded: {describe(exc)}")
            continue
        out.records.extend(records)
        for rec in records:
            out.produced_per_topic[rec.topic] = out.produced_per_topic.get(rec.topic, 0) + 1
        out.done_ids.append(msg.event_id)
    return out


def _wire(out: OutMessage, event_id: str, encode: Callable[[Topic, BaseModel], bytes]) -> WireRecord:
    topic = out.resolved_topic()
    return WireRecord(topic.name, encode_key(out.key), encode(topic, out.value), event_id)


def next_offsets(records: Iterable[RawRecord | InMessage]) -> dict[tuple[str, int], int]:
    """Per partition, the offset to commit: one past the highest offset seen."""
    result: dict[tuple[str, int], int] = {}
    for rec in records:
        tp = (rec.topic, rec.partition)
        result[tp] = max(result.get(tp, 0), rec.offset + 1)
    return result
