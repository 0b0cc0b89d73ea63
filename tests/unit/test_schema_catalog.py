"""Loading `schemas/`: every version parses, fingerprints are the spec's, bad files are named."""

import json
from pathlib import Path

import avro.schema
import pytest

from saveroute.serde.schemas import (
    SCHEMAS_DIR_ENV,
    SchemaLoadError,
    default_catalog,
    load_catalog,
    schemas_dir,
)
from saveroute.topics import ALL_TOPICS

CATALOG = default_catalog()
ALL_VERSIONS = [v for name in CATALOG.names() for v in CATALOG.versions(name)]


def test_every_topic_record_has_a_schema():
    for topic in ALL_TOPICS:
        assert CATALOG.newest(topic.record).full_name == f"io.saveroute.v1.{topic.record}"


def test_every_file_is_indexed_by_its_fingerprint():
    files = sorted(schemas_dir().rglob("*.avsc"))
    assert len(files) == len(CATALOG) == len(ALL_VERSIONS)
    for version in ALL_VERSIONS:
        assert CATALOG.by_fingerprint(version.fingerprint) is version
        assert len(version.fingerprint) == 8


def test_versions_are_kept_oldest_first():
    assert [v.version for v in CATALOG.versions("Signal")] == [1, 2]
    assert CATALOG.newest("Signal").version == 2


@pytest.mark.parametrize("version", ALL_VERSIONS, ids=[f"{v.name}-v{v.version}" for v in ALL_VERSIONS])
def test_fingerprint_is_the_avro_spec_one(version):
    # The Parsing Canonical Form has no logical types, so the Apache `avro` package,
    # given that form, must compute the same canonical text and the same CRC-64-AVRO.
    # (Given the full schema, avro 1.12 writes logical types as {"type":"long"} where
    # the spec and fastavro write "long", so only the canonical form is compared.)
    parsed_by_avro = avro.schema.parse(version.canonical_form)
    assert parsed_by_avro.canonical_form == version.canonical_form
    assert parsed_by_avro.fingerprint("CRC-64-AVRO") == version.fingerprint
    assert "logicalType" not in version.canonical_form and "doc" not in version.canonical_form


def test_known_fingerprint_vector():
    # From the Avro specification's test data: "int" -> 0x8f5c393f1ad57572 (little-endian).
    from fastavro.schema import fingerprint

    assert fingerprint('"int"', "CRC-64-AVRO") == "8f5c393f1ad57572"


def test_expanded_schemas_are_self_contained():
    for version in ALL_VERSIONS:
        text = version.json
        assert "references" not in json.loads(text)
        avro.schema.parse(text)  # another parser resolves every name on its own


def test_the_directory_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv(SCHEMAS_DIR_ENV, str(tmp_path))
    assert schemas_dir() == tmp_path
    monkeypatch.delenv(SCHEMAS_DIR_ENV)
    assert schemas_dir() == Path(__file__).resolve().parents[2] / "schemas"


# ---- bad schema directories ---------------------------------------------------------

def _write(root: Path, rel: str, schema: dict) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema))


ENUM = {"type": "enum", "name": "Colour", "namespace": "t", "symbols": ["red", "blue"]}


def _record(refs=None, fields=None, name="Thing"):
    schema = {"type": "record", "name": name, "namespace": "t",
              "fields": fields or [{"name": "colour", "type": "t.Colour"}]}
    if refs is not None:
        schema["references"] = refs
    return schema


def test_pinned_references_are_expanded(tmp_path):
    _write(tmp_path, "Colour/v1.avsc", ENUM)
    _write(tmp_path, "Colour/v2.avsc", {**ENUM, "symbols": ["red", "blue", "green"]})
    _write(tmp_path, "Thing/v1.avsc", _record([{"name": "t.Colour", "version": 1}]))
    _write(tmp_path, "Thing/v2.avsc", _record([{"name": "t.Colour", "version": 2}], fields=[
        {"name": "colour", "type": "t.Colour"}, {"name": "other", "type": ["null", "t.Colour"], "default": None}]))
    catalog = load_catalog(tmp_path)
    v1, v2 = catalog.versions("Thing")
    assert v1.schema["fields"][0]["type"]["symbols"] == ["red", "blue"]
    assert v2.schema["fields"][0]["type"]["symbols"] == ["red", "blue", "green"]
    assert v2.schema["fields"][1]["type"] == ["null", "t.Colour"]  # defined once, then named
    assert v1.fingerprint != v2.fingerprint


@pytest.mark.parametrize(("files", "message"), [
    ({"Thing/v1.avsc": _record()}, "refers to t.Colour without pinning a version"),
    ({"Colour/v1.avsc": ENUM, "Thing/v1.avsc": _record([{"name": "t.Colour", "version": 3}])},
     "pins t.Colour v3, which does not exist"),
    ({"Colour/v1.avsc": ENUM, "Thing/v1.avsc": _record([{"name": "t.Colour", "version": 1},
                                                        {"name": "t.Shape", "version": 1}])},
     "declares references it never uses: ['t.Shape']"),
    ({"Other/v1.avsc": ENUM}, "defines t.Colour but lives in directory Other/"),
    ({"Colour/1.avsc": ENUM}, "schema files are named v<N>.avsc"),
    ({"Colour/v1.avsc": ENUM, "Colour/v2.avsc": {**ENUM, "doc": "only a doc changed"}},
     "has the same canonical form as"),
    ({"Colour/v1.avsc": ["null", "string"]}, "defines one record, enum or fixed type"),
])
def test_bad_directories_are_refused_with_the_reason(tmp_path, files, message):
    for rel, schema in files.items():
        _write(tmp_path, rel, schema)
    with pytest.raises(SchemaLoadError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_catalog(tmp_path)


def test_conflicting_pins_inside_one_schema(tmp_path):
    _write(tmp_path, "Colour/v1.avsc", ENUM)
    _write(tmp_path, "Colour/v2.avsc", {**ENUM, "symbols": ["red", "blue", "green"]})
    _write(tmp_path, "Inner/v1.avsc", _record([{"name": "t.Colour", "version": 1}], name="Inner"))
    _write(tmp_path, "Thing/v1.avsc", _record(
        [{"name": "t.Inner", "version": 1}, {"name": "t.Colour", "version": 2}],
        fields=[{"name": "inner", "type": "t.Inner"}, {"name": "colour", "type": "t.Colour"}]))
    with pytest.raises(SchemaLoadError, match=r"Thing/v1.avsc: pins t.Colour v2, but v1 \(.*Colour/v1.avsc\) is already in this schema"):
        load_catalog(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(SchemaLoadError, match="does not exist"):
        load_catalog(tmp_path / "nope")
