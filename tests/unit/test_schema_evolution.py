"""Data written with every old schema version reads with the current one, in both framings.

The expected result comes from an independent implementation of Avro schema
resolution, the Apache `avro` package, reading the same old-version body into the
newest schema.
"""

import io

import avro.io
import avro.schema
import pytest
from _serde_samples import samples
from confluent_kafka.schema_registry import Schema
from fastavro import schemaless_writer

from saveroute import topics
from saveroute.serde import make_codec
from saveroute.serde.convert import to_datum
from saveroute.serde.schemas import default_catalog
from saveroute.serde.single_object import write_frame

CATALOG = default_catalog()
OLD_VERSIONS = [
    (topic, old)
    for topic in topics.ALL_TOPICS
    for old in CATALOG.versions(topic.record)[:-1]
]
SAMPLES = samples()


def _samples_for(topic):
    return [m for name, _, m in SAMPLES if name == topic.name]


def _avro_resolved(old, newest, body: bytes) -> dict:
    reader = avro.io.DatumReader(avro.schema.parse(old.json), avro.schema.parse(newest.json))
    return reader.read(avro.io.BinaryDecoder(io.BytesIO(body)))


def test_there_is_evolution_to_test():
    evolved = {topic.record for topic, _ in OLD_VERSIONS}
    assert {"Signal", "EnrichedCase", "ClassifiedCase", "ApprovalTask"} <= evolved


@pytest.mark.parametrize(("topic", "old"), OLD_VERSIONS, ids=[f"{t.record}-v{o.version}" for t, o in OLD_VERSIONS])
def test_old_version_reads_with_the_current_one(topic, old):
    codec = make_codec(None)
    newest = CATALOG.newest(topic.record)
    for model in _samples_for(topic):
        data = write_frame(old, to_datum(model))  # what a producer on the old version wrote
        decoded = codec.decode(topic.name, data)
        assert to_datum(decoded) == _avro_resolved(old, newest, data[10:])
        # Fields the old version has keep their values: writing the decoded model back
        # with the old version gives the very same bytes.
        assert write_frame(old, to_datum(decoded)) == data


def test_signal_v1_gets_the_v2_default():
    signal = next(m for name, kind, m in SAMPLES if name == topics.SIGNALS.name and kind == "full")
    assert signal.contract_change_requested is True
    data = write_frame(CATALOG.versions("Signal")[0], to_datum(signal))
    decoded = make_codec(None).decode(topics.SIGNALS.name, data)
    assert decoded == signal.model_copy(update={"contract_change_requested": None})


def test_nested_evolution_reaches_through_enclosing_records():
    case = next(m for name, kind, m in SAMPLES if name == topics.CLASSIFIED_CASES.name and kind == "full")
    inner = case.case.signal
    data = write_frame(CATALOG.versions("ClassifiedCase")[0], to_datum(case))
    decoded = make_codec(None).decode(topics.CLASSIFIED_CASES.name, data)
    assert decoded.case.signal == inner.model_copy(update={"contract_change_requested": None})
    assert decoded.classification == case.classification


def test_approval_task_v1_gets_revision_1():
    task = next(m for name, kind, m in SAMPLES if name == topics.APPROVAL_TASKS.name and kind == "realistic")
    assert task.revision == 2
    data = write_frame(CATALOG.versions("ApprovalTask")[0], to_datum(task))
    assert make_codec(None).decode(topics.APPROVAL_TASKS.name, data) == task.model_copy(update={"revision": 1})


@pytest.mark.parametrize(("topic", "old"), OLD_VERSIONS, ids=[f"{t.record}-v{o.version}" for t, o in OLD_VERSIONS])
def test_old_version_in_the_registry_reads_with_the_current_one(topic, old):
    codec = make_codec("mock://serde-evolution")
    newest = CATALOG.newest(topic.record)
    schema_id = codec.client.register_schema(f"{topic.name}-value", Schema(old.json, "AVRO"))
    for model in _samples_for(topic):
        buf = io.BytesIO()
        schemaless_writer(buf, old.parsed, to_datum(model))
        data = b"\x00" + schema_id.to_bytes(4, "big") + buf.getvalue()
        assert to_datum(codec.decode(topic.name, data)) == _avro_resolved(old, newest, buf.getvalue())
