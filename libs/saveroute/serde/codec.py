"""One interface for turning a topic's models into bytes and back, whatever the framing.

Services and the consumer runtime only ever call `encode(topic, model)` and
`decode(topic, data[, fields])`; configuration picks the framing. Without a Schema Registry URL
it is Avro single-object encoding (registry-free, the default); with one it is the
Confluent wire format. Decoding raises `DecodeError` for bytes that can never decode.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import BaseModel

from saveroute.serde.schemas import SchemaCatalog


class Codec(Protocol):
    def encode(self, topic_name: str, model: BaseModel) -> bytes: ...

    def decode(self, topic_name: str, data: bytes, fields: frozenset[str] | None = None) -> BaseModel:
        """The record in `data`. With `fields`, only those top-level fields are read and
        every other field holds its model default: for a consumer that reads a few fields
        of a large record (every field without a default must be among them)."""
        ...


def make_codec(
    schema_registry_url: str | None = None,
    registry_conf: Mapping[str, Any] | None = None,
    catalog: SchemaCatalog | None = None,
) -> Codec:
    """The configured codec: Confluent framing if a registry URL is given, else single-object.

    `registry_conf` carries extra `SchemaRegistryClient` settings (e.g.
    `basic.auth.user.info`), taken from the environment by the caller.
    """
    if schema_registry_url:
        from saveroute.serde.confluent import ConfluentCodec  # heavy import: only when used

        return ConfluentCodec(schema_registry_url, registry_conf, catalog)
    from saveroute.serde.single_object import SingleObjectCodec

    return SingleObjectCodec(catalog)
