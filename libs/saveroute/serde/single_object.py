"""Avro single-object encoding: registry-free framing, the default.

Frame: `C3 01`, the writer schema's 8-byte CRC-64-AVRO fingerprint (little-endian, as
the Avro specification says), then the schemaless Avro body. A reader finds the writer
schema by fingerprint among every version kept in `schemas/` and reads it into the
topic's current schema (Avro schema resolution), so data written with an old version
still reads. Parsed schemas are cached. The newest version of each topic's record is
also compiled to plain Python (`saveroute.serde.compiled`): models are written and
bodies read through that code, about twice as fast as fastavro; anything it cannot
handle (an older writer version, a value or body it rejects) goes through fastavro,
which then also gives the error.
"""

from io import BytesIO
from typing import Any

from fastavro import schemaless_reader, schemaless_writer
from fastavro.read import SchemaResolutionError
from pydantic import BaseModel

from saveroute.serde.compiled import NotCompilable, Reader, Writer, compile_projection, compile_schema
from saveroute.serde.convert import check_projection, from_datum, project
from saveroute.serde.errors import DecodeError, body_error
from saveroute.serde.explain import explain_resolution
from saveroute.serde.schemas import SchemaCatalog, SchemaVersion, default_catalog
from saveroute.serde.topic_schemas import TopicSchema, lookup, topic_schemas

MAGIC = b"\xc3\x01"
HEADER_SIZE = len(MAGIC) + 8


def write_frame(writer: SchemaVersion, datum: dict[str, Any]) -> bytes:
    """One single-object frame of `datum`, written with `writer`."""
    buf = BytesIO()
    buf.write(MAGIC)
    buf.write(writer.fingerprint)
    schemaless_writer(buf, writer.parsed, datum)
    return buf.getvalue()


def writer_of(catalog: SchemaCatalog, data: bytes) -> SchemaVersion:
    """The schema version a frame says it was written with, or `DecodeError`."""
    if len(data) < HEADER_SIZE:
        raise DecodeError(
            "frame", f"{len(data)} bytes is shorter than the {HEADER_SIZE}-byte single-object header"
        )
    if data[:2] != MAGIC:
        raise DecodeError(
            "frame",
            f"bad magic byte 0x{data[0]:02x}{data[1]:02x}: not Avro single-object encoding (expected 0xc301)",
        )
    fp = bytes(data[2:HEADER_SIZE])
    writer = catalog.by_fingerprint(fp)
    if writer is None:
        raise DecodeError(
            "schema",
            f"unknown writer schema fingerprint 0x{fp.hex()}: not one of the {len(catalog)} schema versions known here",
        )
    return writer


def read_frame(catalog: SchemaCatalog, reader: SchemaVersion, data: bytes) -> dict[str, Any]:
    """The datum in a frame, resolved from its writer schema into `reader`."""
    writer = writer_of(catalog, data)
    if writer.full_name != reader.full_name:
        raise DecodeError(
            "schema", f"written as {writer.full_name} v{writer.version}, but expected a {reader.full_name}"
        )
    buf = BytesIO(data)
    buf.seek(HEADER_SIZE)
    try:
        datum = schemaless_reader(buf, writer.parsed, None if writer is reader else reader.parsed)
    except SchemaResolutionError as exc:
        explained = explain_resolution(writer.parsed, reader.parsed, data[HEADER_SIZE:], reader.name)
        raise explained or DecodeError(
            "schema resolution", f"{writer.name} v{writer.version} does not read as v{reader.version}: {exc}"
        ) from exc
    except Exception as exc:  # fastavro raises EOFError, ValueError, IndexError... on bad bodies
        raise body_error(f"{writer.name} v{writer.version}", exc) from exc
    left_over = len(data) - buf.tell()
    if left_over:
        raise DecodeError(
            "body", f"{left_over} byte(s) left after the {writer.name} v{writer.version} record: body and schema disagree"
        )
    return datum


class SingleObjectCodec:
    """The `Codec` for Avro single-object encoding."""

    def __init__(self, catalog: SchemaCatalog | None = None) -> None:
        self._catalog = catalog or default_catalog()
        self._topics: dict[str, TopicSchema] = topic_schemas(self._catalog)
        self._compiled: dict[str, tuple[bytes, Writer, Reader]] = {}
        self._projections: dict[tuple[str, frozenset[str]], Reader] = {}
        for name, entry in self._topics.items():
            try:
                writer, reader = compile_schema(entry.schema.schema)
            except NotCompilable:
                continue  # fastavro only
            self._compiled[name] = (MAGIC + entry.schema.fingerprint, writer, reader)

    def encode(self, topic_name: str, model: BaseModel) -> bytes:
        entry = lookup(self._topics, topic_name)
        entry.check(model)
        compiled = self._compiled.get(topic_name)
        if compiled is not None:
            header, writer, _ = compiled
            try:
                return writer(model, header)
            except Exception:  # noqa: BLE001 - fastavro writes it, or says what is wrong
                pass
        return write_frame(entry.schema, entry.plan.datum(model))

    def decode(self, topic_name: str, data: bytes, fields: frozenset[str] | None = None) -> BaseModel:
        entry = lookup(self._topics, topic_name)
        compiled = self._compiled.get(topic_name)
        if compiled is not None and data[:HEADER_SIZE] == compiled[0]:  # written with the newest version
            reader = compiled[2] if fields is None else self._projection(topic_name, entry, fields)
            try:
                datum = reader(data, HEADER_SIZE)
            except Exception:  # noqa: BLE001 - a body it will not read: fastavro reads it or says why
                datum = read_frame(self._catalog, entry.schema, data)
        else:
            if fields is not None:
                check_projection(entry.model, fields)
            datum = read_frame(self._catalog, entry.schema, data)
        return from_datum(entry.model, project(datum, fields))

    def _projection(self, topic_name: str, entry: TopicSchema, fields: frozenset[str]) -> Reader:
        reader = self._projections.get((topic_name, fields))
        if reader is None:
            check_projection(entry.model, fields)
            reader = compile_projection(entry.schema.schema, fields)
            self._projections[(topic_name, fields)] = reader
        return reader
