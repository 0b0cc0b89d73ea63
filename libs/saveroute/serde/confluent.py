"""Confluent Schema Registry wire format, with confluent-kafka's own Avro serdes.

Used when `SCHEMA_REGISTRY_URL` is set: frame = magic byte 0, the 4-byte schema id the
registry assigned, then the Avro body. Subjects follow the topic name strategy
(`<topic>-value`); our newest schema is registered on first write and is the reader
schema, so anything the registry holds for the subject resolves into it. A `mock://`
URL gives confluent-kafka's in-memory registry (tests, demos).

Errors: bad bytes, unknown schema ids and invalid data raise `DecodeError` (dead-letter
the message); a registry that does not answer or answers 5xx raises
`SchemaRegistryUnavailable` (retry, do not dead-letter).
"""

import json
from collections.abc import Mapping
from typing import Any

from confluent_kafka.schema_registry import (
    SchemaRegistryClient,
    SchemaRegistryError,
    topic_subject_name_strategy,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError
from fastavro import parse_schema
from fastavro.read import SchemaResolutionError
from pydantic import BaseModel

from saveroute.serde.convert import check_projection, from_datum, project
from saveroute.serde.errors import DecodeError, body_error
from saveroute.serde.explain import explain_resolution
from saveroute.serde.schemas import SchemaCatalog, default_catalog
from saveroute.serde.topic_schemas import TopicSchema, lookup, topic_schemas

# What fastavro raises on a body that does not match its schema.
_BODY_ERRORS = (EOFError, ValueError, IndexError, KeyError, TypeError, OverflowError)


class SchemaRegistryUnavailable(RuntimeError):
    """The registry could not be asked (down, 5xx): a transient fault, retry later."""


class ConfluentCodec:
    """The `Codec` for the Confluent Schema Registry wire format."""

    def __init__(
        self,
        url: str,
        client_conf: Mapping[str, Any] | None = None,
        catalog: SchemaCatalog | None = None,
        client: SchemaRegistryClient | None = None,
    ) -> None:
        self._client = client or SchemaRegistryClient.new_client({**(client_conf or {}), "url": url})
        self._topics: dict[str, TopicSchema] = topic_schemas(catalog or default_catalog())
        self._serializers: dict[str, AvroSerializer] = {}
        self._deserializers: dict[str, AvroDeserializer] = {}
        self._contexts = {name: SerializationContext(name, MessageField.VALUE) for name in self._topics}

    @property
    def client(self) -> SchemaRegistryClient:
        return self._client

    def encode(self, topic_name: str, model: BaseModel) -> bytes:
        entry = lookup(self._topics, topic_name)
        entry.check(model)
        serializer = self._serializers.get(topic_name)
        if serializer is None:
            serializer = AvroSerializer(
                self._client, entry.schema.json, to_dict=lambda model, _ctx: entry.plan.datum(model),
                conf={"subject.name.strategy": topic_subject_name_strategy},
            )
            self._serializers[topic_name] = serializer
        try:
            return serializer(model, self._contexts[topic_name])
        except SchemaRegistryError as exc:
            raise SchemaRegistryUnavailable(f"cannot register {entry.schema.name} for {topic_name}: {exc}") from exc

    def decode(self, topic_name: str, data: bytes, fields: frozenset[str] | None = None) -> BaseModel:
        entry = lookup(self._topics, topic_name)
        if fields is not None:
            check_projection(entry.model, fields)
        deserializer = self._deserializers.get(topic_name)
        if deserializer is None:
            deserializer = AvroDeserializer(
                self._client, entry.schema.json,
                conf={"subject.name.strategy": topic_subject_name_strategy},
            )
            self._deserializers[topic_name] = deserializer
        try:
            datum = deserializer(data, self._contexts[topic_name])
        except SerializationError as exc:
            raise DecodeError("frame", f"not Confluent Schema Registry framing: {exc}") from exc
        except SchemaRegistryError as exc:
            if exc.http_status_code is not None and 400 <= exc.http_status_code < 500:
                raise DecodeError("schema", f"writer schema not in the registry: {exc}") from exc
            raise SchemaRegistryUnavailable(f"schema registry error while decoding {topic_name}: {exc}") from exc
        except SchemaResolutionError as exc:
            raise self._explain(entry, data) or DecodeError(
                "schema resolution", f"writer schema does not read as {entry.schema.name}: {exc}"
            ) from exc
        except _BODY_ERRORS as exc:
            raise body_error(entry.schema.name, exc) from exc
        return from_datum(entry.model, project(datum, fields))

    def _explain(self, entry: TopicSchema, data: bytes) -> DecodeError | None:
        """Name the field a resolution failure is about (classic framing: 0, 4-byte id, body)."""
        if data[:1] != b"\x00":
            return None
        writer = self._client.get_schema(int.from_bytes(data[1:5], "big"))
        writer_parsed = parse_schema(json.loads(writer.schema_str), named_schemas={})
        return explain_resolution(writer_parsed, entry.schema.parsed, data[5:], entry.schema.name)
