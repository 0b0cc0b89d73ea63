"""The pydantic models and the newest Avro schemas agree field by field, so they cannot drift.

For every topic in `topics.ALL_TOPICS` (and, recursively, every model nested in it):
the same field names; a field is optional in one iff it is nullable in the other; a
field is required in one iff it has no default in the other, and defaults are equal;
and the types correspond (str/string, int/long, float/double, bool/boolean,
bytes/bytes, datetime/timestamp-micros, date/date, Enum or Literal/enum with the same
symbols, list/array, dict/map, model/record of the same name).
"""

import types
import typing
from datetime import date, datetime
from enum import Enum

import pytest
from fastavro.schema import expand_schema
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from saveroute.serde.schemas import default_catalog
from saveroute.topics import ALL_TOPICS

PRIMITIVES = {str: "string", int: "long", float: "double", bool: "boolean", bytes: "bytes"}
LOGICAL = {datetime: ("long", "timestamp-micros"), date: ("int", "date")}


def _problems(tp, schema, path: str) -> list[str]:
    """Why `schema` does not carry the (non-optional) Python type `tp`."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _problems(args[0], schema, path)
    if origin in (typing.Union, types.UnionType):
        return [f"{path}: nested unions other than Optional are not supported: {tp}"]
    if isinstance(schema, list):
        return [f"{path}: the model field is not optional, the schema is a union {schema}"]
    if origin is list:
        if not (isinstance(schema, dict) and schema.get("type") == "array"):
            return [f"{path}: list in the model, {schema!r:.60} in the schema"]
        return _problems(args[0], schema["items"], f"{path}[]")
    if origin is dict:
        if not (isinstance(schema, dict) and schema.get("type") == "map") or args[0] is not str:
            return [f"{path}: dict[str, ...] in the model, {schema!r:.60} in the schema"]
        return _problems(args[1], schema["values"], f"{path}{{}}")
    if origin is typing.Literal or (isinstance(tp, type) and issubclass(tp, Enum)):
        symbols = list(args) if origin is typing.Literal else [m.value for m in tp]
        if not (isinstance(schema, dict) and schema.get("type") == "enum"):
            return [f"{path}: enum {symbols} in the model, {schema!r:.60} in the schema"]
        if schema["symbols"] != symbols:
            return [f"{path}: symbols {schema['symbols']} in the schema, {symbols} in the model"]
        return []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not (isinstance(schema, dict) and schema.get("type") == "record"):
            return [f"{path}: model {tp.__name__}, {schema!r:.60} in the schema"]
        return _model_problems(tp, schema, path)
    if tp in LOGICAL:
        base, logical = LOGICAL[tp]
        ok = isinstance(schema, dict) and schema.get("type") == base and schema.get("logicalType") == logical
        return [] if ok else [f"{path}: {tp.__name__} must be {base} + {logical}, schema has {schema!r}"]
    if tp in PRIMITIVES:
        return [] if schema == PRIMITIVES[tp] else [f"{path}: {tp.__name__} must be {PRIMITIVES[tp]}, schema has {schema!r}"]
    return [f"{path}: no Avro mapping for {tp!r}"]


def _optional_inner(tp):
    """(is optional, the type inside) for `T | None`, looking through Annotated."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _optional_inner(args[0])
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return True, rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]
    return False, tp


def _python_default(info):
    if info.default_factory is not None:
        value = info.default_factory()
    elif info.default is PydanticUndefined:
        return PydanticUndefined
    else:
        value = info.default
    return value.value if isinstance(value, Enum) else value


def _model_problems(model: type[BaseModel], record: dict, path: str) -> list[str]:
    problems = []
    if record["name"].rsplit(".", 1)[-1] != model.__name__:
        problems.append(f"{path}: record {record['name']} carries model {model.__name__}")
    fields = {f["name"]: f for f in record["fields"]}
    if set(fields) != set(model.model_fields):
        problems.append(
            f"{path}: only in the model {sorted(set(model.model_fields) - set(fields))}, "
            f"only in the schema {sorted(set(fields) - set(model.model_fields))}"
        )
    hints = typing.get_type_hints(model, include_extras=True)
    for name, info in model.model_fields.items():
        if name not in fields:
            continue
        field, where = fields[name], f"{path}.{name}"
        optional, inner = _optional_inner(hints[name])
        avro_type = field["type"]
        nullable = isinstance(avro_type, list) and "null" in avro_type
        if optional != nullable:
            problems.append(f"{where}: optional in the model={optional}, nullable in the schema={nullable}")
            continue
        if nullable:
            if avro_type[0] != "null" or len(avro_type) != 2:
                problems.append(f"{where}: optional fields are [\"null\", T] (null first, for a null default)")
                continue
            avro_type = avro_type[1]
        problems += _problems(inner, avro_type, where)
        default = _python_default(info)
        if default is PydanticUndefined:
            if "default" in field:
                problems.append(f"{where}: required in the model, default {field['default']!r} in the schema")
        elif "default" not in field:
            problems.append(f"{where}: default {default!r} in the model, none in the schema")
        elif field["default"] != default:
            problems.append(f"{where}: default {default!r} in the model, {field['default']!r} in the schema")
    return problems


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=[t.name for t in ALL_TOPICS])
def test_newest_schema_agrees_with_the_model(topic):
    newest = default_catalog().newest(topic.record)
    problems = _model_problems(topic.model, expand_schema(newest.parsed), topic.record)
    assert not problems, f"{newest.path} and {topic.model.__name__} disagree:\n" + "\n".join(problems)


def test_the_check_catches_drift():
    """The comparison above is not vacuous: each kind of disagreement is reported."""
    from saveroute.models import Signal

    record = expand_schema(default_catalog().newest("Signal").parsed)
    fields = record["fields"]

    def with_field(name, **changes):
        return {**record, "fields": [({**f, **changes} if f["name"] == name else f) for f in fields]}

    assert _model_problems(Signal, record, "Signal") == []
    dropped = {**record, "fields": [f for f in fields if f["name"] != "reason_code"]}
    assert "only in the model ['reason_code']" in " ".join(_model_problems(Signal, dropped, "Signal"))
    assert "nullable in the schema=False" in " ".join(
        _model_problems(Signal, with_field("reason_code", type="string"), "Signal"))
    assert "must be double" in " ".join(
        _model_problems(Signal, with_field("churn_risk_score", type=["null", "float"]), "Signal"))
    assert "must be long + timestamp-micros" in " ".join(
        _model_problems(Signal, with_field("occurred_at", type={"type": "long", "logicalType": "timestamp-millis"}),
                        "Signal"))
    kind = next(f for f in fields if f["name"] == "kind")["type"]
    assert "symbols" in " ".join(_model_problems(
        Signal, with_field("kind", type={**kind, "symbols": kind["symbols"][:-1]}), "Signal"))
    assert "required in the model" in " ".join(
        _model_problems(Signal, with_field("account_id", default="x"), "Signal"))
