"""Which field made schema resolution fail, for a `DecodeError` a person can act on.

fastavro reports an unresolvable enum symbol without saying where it sat. On that
(rare) failure only, the body is read again with the writer schema alone and the
datum is walked against the reader schema to find the first value the reader cannot
take, e.g. `Signal.kind: 'foo' is not one of [...]`. The normal path never runs this.
"""

from io import BytesIO
from typing import Any

from fastavro import schemaless_reader
from fastavro.schema import expand_schema

from saveroute.serde.errors import DecodeError


def explain_resolution(
    writer_parsed: dict[str, Any], reader_parsed: dict[str, Any], body: bytes, record: str
) -> DecodeError | None:
    """The first field whose value the reader schema cannot hold, or None if none is found."""
    try:
        datum = schemaless_reader(BytesIO(body), writer_parsed, None)
    except Exception:  # the body is bad as well: the caller's own error says so
        return None
    found = _find(expand_schema(reader_parsed), datum, record)
    return None if found is None else DecodeError(*found)


def _find(schema: Any, value: Any, path: str) -> tuple[str, str] | None:
    if isinstance(schema, list):  # a union: the value is fine if any non-null branch takes it
        if value is None:
            return None
        found = [_find(branch, value, path) for branch in schema if branch != "null"]
        return None if not found or None in found else found[0]
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if kind == "record" and isinstance(value, dict):
        for field in schema["fields"]:
            if field["name"] in value:
                found = _find(field["type"], value[field["name"]], f"{path}.{field['name']}")
                if found is not None:
                    return found
    elif kind == "enum" and value not in schema["symbols"] and "default" not in schema:
        return path, f"{value!r} is not one of {schema['symbols']}"
    elif kind == "array" and isinstance(value, list):
        for i, item in enumerate(value):
            found = _find(schema["items"], item, f"{path}.{i}")
            if found is not None:
                return found
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            found = _find(schema["values"], item, f"{path}.{key}")
            if found is not None:
                return found
    return None
