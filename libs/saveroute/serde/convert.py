"""Pydantic models <-> the plain dicts fastavro reads and writes, for any model.

Why: the models are the source of truth and Avro is their wire shape; one generic
conversion keeps every topic's encoding the same. `model_dump()` already gives nested
dicts, aware UTC datetimes (the models normalise them), dates and bytes, which Avro
writes with the schemas' logical types; enums must become their values. Going back,
`model_validate` re-checks every constraint Avro cannot express (ranges, patterns).

Speed: `encode` runs for every message, so the hot path does not walk the whole dump.
`WritePlan` is compiled once per schema and touches only the fields that need it:
enum fields become their values, and a non-null `["null", record]` union value is
handed to fastavro as `(record name, value)` (fastavro's tuple notation), which spares
fastavro validating the whole nested record just to pick the union branch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from saveroute.serde.errors import from_validation_error

M = TypeVar("M", bound=BaseModel)
_Step = Callable[[Any], Any]


def to_datum(model: BaseModel) -> dict[str, Any]:
    """The model as a plain dict any Avro library can write (the slow, general walk)."""
    return _plain(model.model_dump())


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def check_projection(model_type: type[BaseModel], fields: frozenset[str]) -> None:
    """A projection must name real fields and keep every field that has no default."""
    unknown = fields - set(model_type.model_fields)
    if unknown:
        raise ValueError(f"{model_type.__name__} has no field(s) {sorted(unknown)}")
    required = {name for name, info in model_type.model_fields.items() if info.is_required()}
    if required - fields:
        raise ValueError(f"a projection of {model_type.__name__} must keep its required field(s) "
                         f"{sorted(required - fields)}")


def project(datum: dict[str, Any], fields: frozenset[str] | None) -> dict[str, Any]:
    """`datum` with only `fields` (all of it for None): the model's defaults fill the rest."""
    if fields is None or len(datum) <= len(fields):
        return datum
    return {k: v for k, v in datum.items() if k in fields}


def from_datum(model_type: type[M], datum: Mapping[str, Any]) -> M:
    """The model a decoded datum describes; a `DecodeError` names the first invalid field."""
    try:
        return model_type.model_validate(datum)
    except ValidationError as exc:
        raise from_validation_error(model_type.__name__, exc) from exc


class WritePlan:
    """What fastavro needs changed in `model_dump()` output for one record schema."""

    def __init__(self, record: dict[str, Any]) -> None:
        steps = {f["name"]: _step(f["type"]) for f in record["fields"]}
        self._steps = [(name, step) for name, step in steps.items() if step is not None]

    def datum(self, model: BaseModel) -> dict[str, Any]:
        return self.apply(model.model_dump())

    def apply(self, datum: dict[str, Any]) -> dict[str, Any]:
        for name, step in self._steps:
            value = datum.get(name)
            if value is not None:
                datum[name] = step(value)
        return datum


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _step(schema: Any) -> _Step | None:
    """How to prepare one value of `schema` (expanded), or None if it is fine as dumped."""
    if isinstance(schema, list):
        branches = [b for b in schema if b != "null"]
        if len(branches) != 1:
            return None if all(_step(b) is None for b in branches) else _plain
        inner = branches[0]
        if isinstance(inner, dict) and inner.get("type") == "record":
            plan, name = WritePlan(inner), inner["name"]
            return lambda value: (name, plan.apply(value))
        return _step(inner)
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if kind == "enum":
        return _enum_value
    if kind == "record":
        return WritePlan(schema).apply
    if kind == "array":
        item = _step(schema["items"])
        return None if item is None else (lambda values: [item(v) for v in values])
    if kind == "map":
        item = _step(schema["values"])
        return None if item is None else (lambda values: {k: item(v) for k, v in values.items()})
    return None
