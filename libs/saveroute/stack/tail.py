"""Decoded topic records as JSON, for `saveroute tail`."""

import base64
from typing import Any

from saveroute.stack.reader import Record
from saveroute.topics import ALL_TOPICS, Topic, by_name


def resolve_topic(name: str) -> Topic:
    """A topic by full name (`saveroute.decisions.v1`) or short name (`decisions`)."""
    for topic in ALL_TOPICS:
        if name in (topic.name, topic.name.removeprefix("saveroute.").rsplit(".v", 1)[0]):
            return topic
    return by_name(name)  # raises KeyError listing the known names


def record_json(record: Record) -> dict[str, Any]:
    body: dict[str, Any] = {
        "topic": record.topic.name,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp_ms": record.timestamp_ms,
        "key": _text(record.key),
    }
    if record.value is not None:
        body["value"] = _jsonable(record.value.model_dump(mode="python"))
    else:
        body["error"] = record.error
    return body


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii")


def _jsonable(value: Any) -> Any:
    """Plain JSON: bytes as text (or base64), dates ISO, enums by value."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return _text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    return value
