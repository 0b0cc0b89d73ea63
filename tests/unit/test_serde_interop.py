"""Interoperability with the Apache `avro` package, both ways.

Our single-object bodies read with `avro`'s DatumReader; frames built on `avro`'s
side (its DatumWriter for the body, its CRC-64-AVRO fingerprint for the header, the
`C3 01` magic by hand since `avro` has no single-object helper) decode with ours.
"""

import io

import avro.io
import avro.schema
import pytest
from _serde_samples import samples

from saveroute.serde import make_codec
from saveroute.serde.convert import to_datum
from saveroute.serde.schemas import default_catalog
from saveroute.serde.single_object import HEADER_SIZE, MAGIC
from saveroute.topics import by_name

SAMPLES = samples()
IDS = [f"{t}-{k}" for t, k, _ in SAMPLES]
CODEC = make_codec(None)


def _schemas(topic_name):
    version = default_catalog().newest(by_name(topic_name).record)
    return version, avro.schema.parse(version.json)


@pytest.mark.parametrize(("topic_name", "kind", "model"), SAMPLES, ids=IDS)
def test_our_bytes_decode_with_apache_avro(topic_name, kind, model):
    version, schema = _schemas(topic_name)
    data = CODEC.encode(topic_name, model)
    assert data[:2] == MAGIC
    # avro, given the canonical form, names the same writer schema as our header does.
    assert avro.schema.parse(version.canonical_form).fingerprint("CRC-64-AVRO") == data[2:HEADER_SIZE]
    decoder = avro.io.BinaryDecoder(io.BytesIO(data[HEADER_SIZE:]))
    assert avro.io.DatumReader(schema).read(decoder) == to_datum(model)


@pytest.mark.parametrize(("topic_name", "kind", "model"), SAMPLES, ids=IDS)
def test_apache_avro_frames_decode_with_ours(topic_name, kind, model):
    version, schema = _schemas(topic_name)
    body = io.BytesIO()
    avro.io.DatumWriter(schema).write(to_datum(model), avro.io.BinaryEncoder(body))
    fingerprint = avro.schema.parse(version.canonical_form).fingerprint("CRC-64-AVRO")
    frame = b"\xc3\x01" + fingerprint + body.getvalue()
    assert CODEC.decode(topic_name, frame) == model
