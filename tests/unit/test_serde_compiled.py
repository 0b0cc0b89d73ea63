"""The compiled Avro fast path writes the bytes fastavro writes and reads the datums fastavro reads.

`SingleObjectCodec` writes and reads the newest schema of every topic through code
generated from the schema (`saveroute.serde.compiled`) and falls back to fastavro when
that code raises. These tests hold the two paths to the same bytes, datums and errors:
every sample record of every topic, what the engine produces for the dev set, values
at the edges of the encoding (multi-byte varints, long and non-ASCII strings, long
lists), bodies other writers may produce (negative array block counts), and bodies
nobody should (truncated, trailing bytes, bad indexes, bad UTF-8).
"""

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO

import pytest
from _serde_samples import dev_scenarios, samples
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from saveroute import topics
from saveroute.engine import approval_task_for, classify, enrich, route
from saveroute.models import ClassifiedCase, Decision, Signal
from saveroute.serde import DecodeError, make_codec
from saveroute.serde.compiled import compile_projection, compile_schema
from saveroute.serde.single_object import HEADER_SIZE, read_frame, write_frame

CODEC = make_codec()
TABLE = CODEC._topics  # noqa: SLF001 - the codec's own per-topic schemas


def fastavro_bytes(topic_name: str, model) -> bytes:
    entry = TABLE[topic_name]
    return write_frame(entry.schema, entry.plan.datum(model))


def fastavro_datum(topic_name: str, data: bytes) -> dict:
    entry = TABLE[topic_name]
    return read_frame(CODEC._catalog, entry.schema, data)  # noqa: SLF001


def engine_outputs() -> list[tuple[str, object]]:
    from saveroute.policy import load_policy

    policy = load_policy()
    out = []
    for scenario in dev_scenarios():
        case = enrich(scenario, policy)
        classification = classify(case, policy)
        decision = route(case, classification, policy)
        out += [(topics.SIGNALS.name, scenario.signal), (topics.ENRICHED_CASES.name, case),
                (topics.CLASSIFIED_CASES.name, ClassifiedCase(case=case, classification=classification)),
                (topics.DECISIONS.name, decision), (topics.APPROVAL_TASKS.name, approval_task_for(decision))]
    return out


RECORDS = [(name, model) for name, _kind, model in samples()] + engine_outputs()


def test_every_topic_record_is_compiled():
    assert set(CODEC._compiled) == {t.name for t in topics.ALL_TOPICS}  # noqa: SLF001


def test_same_bytes_and_same_datums_as_fastavro():
    for topic_name, model in RECORDS:
        data = CODEC.encode(topic_name, model)
        assert data == fastavro_bytes(topic_name, model), topic_name
        _header, _write, read = CODEC._compiled[topic_name]  # noqa: SLF001
        assert read(data, HEADER_SIZE) == fastavro_datum(topic_name, data), topic_name
        assert CODEC.decode(topic_name, data) == model, topic_name
    assert len(RECORDS) > 450


def test_edges_of_the_encoding():
    signal = Signal.model_validate({
        "signal_id": "s" * 200, "source": "billing", "kind": "cancellation_request", "account_id": "acc-\u00e9\u4e2d\U0001f600",
        "occurred_at": datetime(1969, 7, 20, 20, 17, 40, 123456, tzinfo=timezone(timedelta(hours=-5))),
        "reason_text": "x" * 20000, "reason_code": "", "churn_risk_score": -0.0, "requested_discount_pct": 99.999,
    })
    decision = next(m for name, m in RECORDS if name == topics.DECISIONS.name).model_copy(
        update={"revision": 2**62, "evidence": [f"fact {i}" for i in range(200)], "offer_types": [],
                "confidence": 1.0, "drafted_discount_pct": -1.5})
    for topic_name, model in ((topics.SIGNALS.name, signal), (topics.DECISIONS.name, decision)):
        data = CODEC.encode(topic_name, model)
        assert data == fastavro_bytes(topic_name, model)
        assert CODEC.decode(topic_name, data) == model


def test_negative_array_block_counts_read_like_fastavro():
    schema = {"type": "record", "name": "T", "fields": [
        {"name": "xs", "type": {"type": "array", "items": "long"}},
        {"name": "m", "type": {"type": "map", "values": "string"}}]}
    # xs: a block of -2 items with its byte size (2), items 1 and 2, end; m: one block of -1, size, "k" -> "v"
    body = bytes([3, 4, 2, 4, 0, 1, 8, 2]) + b"k" + bytes([2]) + b"v" + bytes([0])
    _write, read = compile_schema(schema)
    assert read(body, 0) == schemaless_reader(BytesIO(body), parse_schema(schema), None) == {"xs": [1, 2], "m": {"k": "v"}}


@pytest.mark.parametrize("damage", ["truncated", "trailing byte", "bad union index", "bad enum index", "bad utf-8"])
def test_damaged_bodies_fail_as_fastavro_says(damage):
    signal = next(m for name, m in RECORDS if name == topics.SIGNALS.name)
    data = bytearray(CODEC.encode(topics.SIGNALS.name, signal))
    body = HEADER_SIZE
    if damage == "truncated":
        data = data[:-3]
    elif damage == "trailing byte":
        data += b"\x00"
    elif damage == "bad union index":
        data[-1] = 0x08  # contract_change_requested: union index 4
    elif damage == "bad enum index":
        id_length = data[body] >> 1
        data[body + 1 + id_length] = 0x7E  # source: symbol 63
    else:
        data[body + 1] = 0xFF  # inside signal_id
    data = bytes(data)
    with pytest.raises(DecodeError) as fast:
        CODEC.decode(topics.SIGNALS.name, data)
    with pytest.raises(DecodeError) as slow:
        entry = TABLE[topics.SIGNALS.name]
        read_frame(CODEC._catalog, entry.schema, data)  # noqa: SLF001
    assert _no_addresses(str(fast.value)) == _no_addresses(str(slow.value))


def _no_addresses(text: str) -> str:
    return re.sub(r"0x[0-9a-f]{6,}", "0x…", text)  # fastavro's messages may name an object's address


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_value_the_schema_cannot_carry_fails_as_fastavro_says():
    decision = next(m for name, m in RECORDS if name == topics.DECISIONS.name)
    broken = Decision.model_construct(**{**dict(decision), "cause": "no-such-cause", "revision": "two"})
    with pytest.raises(Exception) as fast:
        CODEC.encode(topics.DECISIONS.name, broken)
    with pytest.raises(Exception) as slow:
        fastavro_bytes(topics.DECISIONS.name, broken)
    assert type(fast.value) is type(slow.value) and str(fast.value) == str(slow.value)


def test_projection_reads_only_the_named_fields():
    decisions = [m for name, m in RECORDS if name == topics.DECISIONS.name]
    fields = frozenset({"signal_id", "case_id", "account_id", "decided_at", "cause", "confidence", "path",
                        "approvers", "due_at", "policy_version", "source", "kind", "segment"})
    for decision in decisions:
        data = CODEC.encode(topics.DECISIONS.name, decision)
        projected = CODEC.decode(topics.DECISIONS.name, data, fields)
        defaults = Decision.model_validate({k: getattr(decision, k) for k in fields})
        assert projected == defaults
        assert projected.model_dump(include=set(fields)) == decision.model_dump(include=set(fields))
    # A body that is not the newest version reads through fastavro, then is projected the same way.
    old = next(v for v in CODEC._catalog.versions("Decision") if v is not TABLE[topics.DECISIONS.name].schema)  # noqa: SLF001
    buf = BytesIO()
    schemaless_writer(buf, old.parsed, {k: v for k, v in TABLE[topics.DECISIONS.name].plan.datum(decisions[0]).items()
                                        if k in {f["name"] for f in old.schema["fields"]}})
    data = b"\xc3\x01" + old.fingerprint + buf.getvalue()
    assert CODEC.decode(topics.DECISIONS.name, data, fields) == Decision.model_validate(
        {k: getattr(decisions[0], k) for k in fields})


def test_a_projection_must_keep_required_fields_and_name_real_ones():
    data = CODEC.encode(topics.DECISIONS.name, next(m for name, m in RECORDS if name == topics.DECISIONS.name))
    with pytest.raises(ValueError, match="required"):
        CODEC.decode(topics.DECISIONS.name, data, frozenset({"signal_id"}))
    with pytest.raises(ValueError, match="no field"):
        compile_projection(TABLE[topics.DECISIONS.name].schema.schema, frozenset({"nope"}))


def test_a_projection_reads_no_further_than_its_last_field():
    decision = max((m for name, m in RECORDS if name == topics.DECISIONS.name and m.save_play is not None),
                   key=lambda m: len(m.save_play.model_dump_json()))
    data = CODEC.encode(topics.DECISIONS.name, decision)
    fields = frozenset({"signal_id", "case_id", "account_id", "decided_at", "cause", "confidence", "path",
                        "approvers", "due_at", "policy_version", "source", "kind"})
    expected = CODEC.decode(topics.DECISIONS.name, data, fields)
    tail = len(CODEC.encode(topics.DECISIONS.name, decision.model_copy(update={"save_play": None, "classification": None})))
    # The save play and classification come last: a projection that stops before them never reads them.
    assert CODEC.decode(topics.DECISIONS.name, data[:tail - 1], fields) == expected
    # A body that ends before a field the projection keeps still fails.
    with pytest.raises(DecodeError):
        CODEC.decode(topics.DECISIONS.name, data[:HEADER_SIZE + 20], fields)
