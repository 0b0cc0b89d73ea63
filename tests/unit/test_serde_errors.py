"""Bytes that cannot become a model raise one `DecodeError` that says where and why."""

import io
import json

import pytest
from _serde_samples import realistic
from confluent_kafka.schema_registry import Schema
from fastavro import parse_schema, schemaless_writer

from saveroute import topics
from saveroute.serde import DecodeError, make_codec
from saveroute.serde.convert import to_datum
from saveroute.serde.schemas import default_catalog
from saveroute.serde.single_object import HEADER_SIZE, MAGIC, write_frame

SIGNALS = topics.SIGNALS.name
SAMPLE = realistic()


@pytest.fixture(scope="module")
def single():
    return make_codec(None)


@pytest.fixture(scope="module")
def confluent():
    return make_codec("mock://serde-errors")


def _frame(record: str, datum: dict) -> bytes:
    return write_frame(default_catalog().newest(record), datum)


def _signal_datum(**changes) -> dict:
    return {**to_datum(SAMPLE["Signal"]), **changes}


def test_json_is_not_single_object_encoding(single):
    data = json.dumps({"signal_id": "x"}).encode()
    with pytest.raises(DecodeError) as err:
        single.decode(SIGNALS, data)
    assert err.value.where == "frame"
    assert "bad magic byte 0x7b22: not Avro single-object encoding" in str(err.value)


@pytest.mark.parametrize("data", [b"", b"\xc3", MAGIC + b"\x01\x02\x03"])
def test_shorter_than_the_header(single, data):
    with pytest.raises(DecodeError, match=f"{len(data)} bytes is shorter than the {HEADER_SIZE}-byte"):
        single.decode(SIGNALS, data)


def test_unknown_fingerprint(single):
    data = MAGIC + bytes.fromhex("0123456789abcdef") + b"\x02x"
    with pytest.raises(DecodeError) as err:
        single.decode(SIGNALS, data)
    assert err.value.where == "schema"
    assert "unknown writer schema fingerprint 0x0123456789abcdef" in err.value.reason


@pytest.mark.parametrize("cut", [1, 5, 20])
def test_truncated_body(single, cut):
    data = single.encode(SIGNALS, SAMPLE["Signal"])
    with pytest.raises(DecodeError) as err:
        single.decode(SIGNALS, data[:-cut])
    assert err.value.where == "body"
    assert "not a valid Signal v2 body" in err.value.reason


def test_header_with_no_body(single):
    data = single.encode(SIGNALS, SAMPLE["Signal"])[:HEADER_SIZE]
    with pytest.raises(DecodeError, match="body: not a valid Signal v2 body: EOFError"):
        single.decode(SIGNALS, data)


def test_trailing_bytes_are_not_ignored(single):
    data = single.encode(SIGNALS, SAMPLE["Signal"]) + b"\x00\x00"
    with pytest.raises(DecodeError, match=r"2 byte\(s\) left after the Signal v2 record"):
        single.decode(SIGNALS, data)


def test_garbage_after_a_valid_header(single):
    header = single.encode(SIGNALS, SAMPLE["Signal"])[:HEADER_SIZE]
    with pytest.raises(DecodeError) as err:
        single.decode(SIGNALS, header + bytes(range(256)) * 3)
    assert err.value.where in ("body", "Signal.signal_id", "Signal.account_id")


def test_another_record_on_the_topic(single):
    data = single.encode(topics.DECISIONS.name, SAMPLE["Decision"])
    with pytest.raises(DecodeError, match=r"written as io.saveroute.v1.Decision v\d+, but expected a io.saveroute.v1.Signal"):
        single.decode(SIGNALS, data)


def test_enum_index_out_of_range(single):
    buf = io.BytesIO()
    schemaless_writer(buf, {"type": "string"}, SAMPLE["Signal"].signal_id)
    body = buf.getvalue() + b"\x7e"  # source = enum index 63: there are six symbols
    fp = default_catalog().newest("Signal").fingerprint
    with pytest.raises(DecodeError, match="not a valid Signal v2 body"):
        single.decode(SIGNALS, MAGIC + fp + body)


def test_value_avro_allows_but_the_model_rejects_names_the_field(single):
    data = _frame("Signal", _signal_datum(churn_risk_score=1.5))
    with pytest.raises(DecodeError) as err:
        single.decode(SIGNALS, data)
    assert err.value.where == "Signal.churn_risk_score"
    assert err.value.reason.startswith("1.5 is invalid: Input should be less than or equal to 1")


def test_nested_field_path(single):
    case = to_datum(SAMPLE["EnrichedCase"])
    case["signal"]["account_id"] = ""
    with pytest.raises(DecodeError) as err:
        single.decode(topics.ENRICHED_CASES.name, _frame("EnrichedCase", case))
    assert err.value.where == "EnrichedCase.signal.account_id"
    assert "String should have at least 1 character" in err.value.reason


def _newer_signal_schema() -> dict:
    """Signal as a newer producer might write it: `kind` has a symbol we do not know."""
    writer = json.loads(default_catalog().newest("Signal").json)
    kind = next(f for f in writer["fields"] if f["name"] == "kind")
    kind["type"]["symbols"].append("foo")
    return writer


def test_unknown_enum_symbol_names_the_field(confluent):
    writer = _newer_signal_schema()
    schema_id = confluent.client.register_schema("newer-signals", Schema(json.dumps(writer), "AVRO"))
    buf = io.BytesIO()
    schemaless_writer(buf, parse_schema(writer), _signal_datum(kind="foo"))
    with pytest.raises(DecodeError) as err:
        confluent.decode(SIGNALS, b"\x00" + schema_id.to_bytes(4, "big") + buf.getvalue())
    assert err.value.where == "Signal.kind"
    assert err.value.reason.startswith("'foo' is not one of ['cancellation_request', 'churn_risk'")


def test_explainer_finds_nested_enum_values_and_spares_defaults():
    from saveroute.serde.explain import explain_resolution

    reader = default_catalog().newest("EnrichedCase")
    writer = json.loads(reader.json)
    signal = next(f for f in writer["fields"] if f["name"] == "signal")["type"]
    next(f for f in signal["fields"] if f["name"] == "kind")["type"]["symbols"].append("foo")
    case = to_datum(SAMPLE["EnrichedCase"])
    case["signal"]["kind"] = "foo"
    buf = io.BytesIO()
    schemaless_writer(buf, parse_schema(writer), case)
    err = explain_resolution(parse_schema(writer), reader.parsed, buf.getvalue(), "EnrichedCase")
    assert err is not None and err.where == "EnrichedCase.signal.kind"
    case["signal"]["kind"] = "churn_risk"
    buf = io.BytesIO()
    schemaless_writer(buf, parse_schema(writer), case)
    assert explain_resolution(parse_schema(writer), reader.parsed, buf.getvalue(), "EnrichedCase") is None


def test_confluent_garbage_and_truncation(confluent):
    with pytest.raises(DecodeError, match="frame: not Confluent Schema Registry framing"):
        confluent.decode(SIGNALS, b"{}")
    data = confluent.encode(SIGNALS, SAMPLE["Signal"])
    with pytest.raises(DecodeError, match="body: not a valid Signal body: EOFError"):
        confluent.decode(SIGNALS, data[:-4])


def test_confluent_unknown_schema_id(confluent):
    data = b"\x00" + (999_999).to_bytes(4, "big") + b"\x02x"
    with pytest.raises(DecodeError) as err:
        confluent.decode(SIGNALS, data)
    assert err.value.where == "schema"
    assert "not in the registry" in err.value.reason


def test_decode_error_reads_as_where_and_reason():
    err = DecodeError("frame", "bad magic byte 0x7b22")
    assert str(err) == "frame: bad magic byte 0x7b22"
    assert isinstance(err, ValueError)
