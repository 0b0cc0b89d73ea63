"""The pure steps of a batch: decoding, duplicate detection, outputs, dead letters, offsets."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import redis
from confluent_kafka import KafkaError, KafkaException

from saveroute.models import DeadLetter, Signal, SignalKind, SignalSource
from saveroute.runtime.backoff import Backoff
from saveroute.runtime.batch import (
    EVENT_ID_HEADER,
    RawRecord,
    Rejected,
    collect_outputs,
    decode_record,
    idempotency_id,
    next_offsets,
    split_fresh,
)
from saveroute.runtime.codec import TopicCodec, codec_name
from saveroute.runtime.dead_letters import MAX_ERROR_CHARS, build_dead_letter
from saveroute.runtime.errors import TransientError, transient_reason
from saveroute.runtime.messages import Err, InMessage, Ok, OutMessage
from saveroute.runtime.passthrough import signal_event_id, signal_topic
from saveroute.serde import make_codec
from saveroute.topics import DEAD_LETTERS, DECISIONS, SIGNALS

SRC = signal_topic("test.in")
OUT = signal_topic("test.out")


@pytest.fixture(scope="module")
def codec() -> TopicCodec:
    return TopicCodec(make_codec())


def signal(i: int, **changes: object) -> Signal:
    base = dict(signal_id=f"s-{i}", source=SignalSource.billing, kind=SignalKind.churn_risk,
                account_id=f"a-{i}", occurred_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    return Signal(**{**base, **changes})  # type: ignore[arg-type]


def raw(offset: int, value: bytes | None, partition: int = 0) -> RawRecord:
    return RawRecord(SRC.name, partition, offset, b"a-key", value, 1700000000000)


def test_private_topics_encode_as_the_public_topic_with_the_same_record() -> None:
    assert codec_name(SIGNALS) == SIGNALS.name
    assert codec_name(SRC) == SIGNALS.name
    with pytest.raises(KeyError):
        codec_name(signal_topic("x").__class__("x", Signal, "NoSuchRecord"))


def test_decode_record_valid_undecodable_invalid(codec: TopicCodec) -> None:
    good = decode_record(raw(0, codec.encode(SRC, signal(1))), SRC, codec.decode, signal_event_id)
    assert isinstance(good, InMessage) and good.event_id == "s-1" and good.value == signal(1)
    assert good.raw and good.key == b"a-key" and good.timestamp_ms == 1700000000000

    garbage = decode_record(raw(1, b"garbage"), SRC, codec.decode, signal_event_id)
    assert isinstance(garbage, Rejected) and garbage.error_type == "undecodable"

    bad = codec.encode(SRC, Signal.model_construct(**{**signal(2).model_dump(), "churn_risk_score": 3.0}))
    invalid = decode_record(raw(2, bad), SRC, codec.decode, signal_event_id)
    assert isinstance(invalid, Rejected) and invalid.error_type == "invalid"
    assert "churn_risk_score" in invalid.error

    tombstone = decode_record(raw(3, None), SRC, codec.decode, signal_event_id)
    assert isinstance(tombstone, Rejected) and "tombstone" in tombstone.error

    no_id = decode_record(raw(4, codec.encode(SRC, signal(4))), SRC, codec.decode, lambda _t, _v: "")
    assert isinstance(no_id, Rejected) and no_id.error_type == "invalid"


def test_split_fresh_skips_done_and_repeats_within_the_batch(codec: TopicCodec) -> None:
    items = [decode_record(raw(i, codec.encode(SRC, signal(n))), SRC, codec.decode, signal_event_id)
             for i, n in enumerate([1, 2, 1, 3, 2])]
    items.append(Rejected(raw(9, b"x"), "undecodable", "bad"))
    fresh, dups = split_fresh(items, done={"s-3"})
    assert [idempotency_id(i) for i in fresh] == ["s-1", "s-2", f"@{SRC.name}/0/9"]
    assert [i.offset for i in dups] == [2, 3, 4]  # type: ignore[union-attr]
    # A rejected record done before (its coordinates marked) is a duplicate too.
    fresh, dups = split_fresh(items[-1:], done={f"@{SRC.name}/0/9"})
    assert fresh == [] and len(dups) == 1


def test_collect_outputs_ok_err_and_unencodable(codec: TopicCodec) -> None:
    msgs = [decode_record(raw(i, codec.encode(SRC, signal(i))), SRC, codec.decode, signal_event_id)
            for i in range(4)]
    rejected = [Rejected(raw(10, b"junk"), "undecodable", "frame: too short")]
    results = [
        Ok([OutMessage(OUT, "a-0", signal(0))]),
        Err("invalid", "reason_text: empty"),
        Ok([OutMessage(DECISIONS, "a-2", signal(2))]),  # a Signal on the decisions topic: a bug
        Ok([]),  # handled, nothing to emit
    ]
    out = collect_outputs("svc", rejected, msgs, results, codec.encode)  # type: ignore[arg-type]
    assert out.done_ids == [f"@{SRC.name}/0/10", "s-0", "s-1", "s-2", "s-3"]
    assert out.produced_per_topic == {OUT.name: 1}
    topics = [r.topic for r in out.records]
    assert topics.count(DEAD_LETTERS.name) == 3 and topics.count(OUT.name) == 1
    letters = {d.offset: d for d in out.dead_letters}
    assert letters[10].original_value == b"junk" and letters[10].error_type == "undecodable"
    assert letters[1].error_type == "invalid" and letters[1].error == "reason_text: empty"
    assert letters[2].error_type == "handler_failed" and "could not be encoded" in letters[2].error
    assert letters[1].original_value == codec.encode(SRC, signal(1))
    signal_out = next(r for r in out.records if r.topic == OUT.name)
    assert signal_out.key == b"a-0" and dict(signal_out.headers)[EVENT_ID_HEADER] == b"s-0"
    assert codec.decode(OUT, signal_out.value) == signal(0)
    assert isinstance(codec.decode(DEAD_LETTERS, out.records[0].value), DeadLetter)


def test_collect_outputs_refuses_a_result_count_mismatch(codec: TopicCodec) -> None:
    msg = decode_record(raw(0, codec.encode(SRC, signal(0))), SRC, codec.decode, signal_event_id)
    with pytest.raises(RuntimeError, match="1 messages"):
        collect_outputs("svc", [], [msg], [], codec.encode)  # type: ignore[list-item]


def test_next_offsets_is_one_past_the_highest_per_partition() -> None:
    recs = [raw(5, b""), raw(7, b""), raw(6, b""), raw(2, b"", partition=1)]
    assert next_offsets(recs) == {(SRC.name, 0): 8, (SRC.name, 1): 3}


def test_build_dead_letter_keeps_everything_and_bounds_the_error() -> None:
    letter = build_dead_letter(value=b"\x00\x01", key=None, topic="t", partition=2, offset=9, service="svc",
                               error="x" * 10_000, error_type="handler_failed")
    assert (letter.original_value, letter.original_key, letter.topic, letter.partition, letter.offset) == \
        (b"\x00\x01", None, "t", 2, 9)
    assert len(letter.error) == MAX_ERROR_CHARS and letter.failed_at.tzinfo is not None


def test_backoff_doubles_and_caps() -> None:
    b = Backoff(initial_s=0.1, max_s=1.0)
    assert [round(b.next_delay(), 3) for _ in range(7)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    b.reset()
    assert b.next_delay() == 0.1


def test_transient_faults_are_recognised() -> None:
    assert transient_reason(redis.ConnectionError("down")) == "redis_unavailable"
    assert transient_reason(BufferError("full")) == "produce_queue_full"
    assert transient_reason(TransientError("delivery_failed", "x")) == "delivery_failed"
    assert transient_reason(KafkaException(KafkaError(KafkaError._TRANSPORT))) == "broker_unavailable"
    assert transient_reason(ValueError("a bug")) is None
    assert transient_reason(KafkaException(KafkaError(KafkaError.TOPIC_AUTHORIZATION_FAILED))) is None
