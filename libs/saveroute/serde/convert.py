"""Pydantic models <-> the plain dicts fastavro reads and writes, for any model.

Why: the models are the source of truth and Avro is their wire shape; one generic
conversion keeps every topic's encoding the same. `model_dump()` already gives nested
dicts, aware UTC datetimes (the models normalise them), dates and bytes, which
fastavro writes with the schemas' logical types; enums become their values. Going back,
`model_validate` re-checks every constraint Avro cannot express (ranges, patterns).
"""

from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from saveroute.serde.errors import DecodeError, from_validation_error

M = TypeVar("M", bound=BaseModel)


def to_datum(model: BaseModel) -> dict[str, Any]:
    """The model as a dict fastavro can write with the model's schema."""
    return _plain(model.model_dump())


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def from_datum(model_type: type[M], datum: Mapping[str, Any]) -> M:
    """The model a decoded datum describes; `DecodeError` names the first invalid field."""
    try:
        return model_type.model_validate(datum)
    except ValidationError as exc:
        raise from_validation_error(model_type.__name__, exc) from exc
