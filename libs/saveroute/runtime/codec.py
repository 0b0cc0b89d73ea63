"""The runtime's view of the codec: encode and decode by `Topic`, built from settings.

`saveroute.serde` knows the topics in `saveroute.topics.ALL_TOPICS` by name. A private
topic that carries one of their records (a test's or a benchmark's own topic) is
encoded exactly as the public topic with the same record, so the runtime can move any
known record across any topic without the serde layer knowing about it.
"""

from __future__ import annotations

from pydantic import BaseModel

from saveroute.runtime.config import RuntimeSettings
from saveroute.serde import Codec, make_codec
from saveroute.topics import ALL_TOPICS, Topic

_BY_NAME = {t.name: t for t in ALL_TOPICS}
_BY_RECORD = {t.record: t for t in ALL_TOPICS}


def codec_name(topic: Topic) -> str:
    """The name the serde layer knows this topic's record under."""
    if topic.name in _BY_NAME:
        return topic.name
    public = _BY_RECORD.get(topic.record)
    if public is None or public.model is not topic.model:
        raise KeyError(f"topic {topic.name!r} carries {topic.record}, which no public topic carries")
    return public.name


class TopicCodec:
    """A `Codec` addressed by `Topic` objects."""

    def __init__(self, codec: Codec) -> None:
        self.codec = codec

    def encode(self, topic: Topic, model: BaseModel) -> bytes:
        return self.codec.encode(codec_name(topic), model)

    def decode(self, topic: Topic, data: bytes, fields: frozenset[str] | None = None) -> BaseModel:
        if fields is None:
            return self.codec.decode(codec_name(topic), data)
        return self.codec.decode(codec_name(topic), data, fields)


def codec_from_settings(settings: RuntimeSettings) -> TopicCodec:
    return TopicCodec(make_codec(settings.schema_registry_url, settings.registry_conf() or None))
