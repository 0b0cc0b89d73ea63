"""Avro bodies written from models and read into datums by code generated once per schema.

Why: fastavro reads and writes through a file object, one Python-level call per value,
so a 1.5 KB decision costs ~50 us each way, and every stage decodes and encodes every
record: Avro was the largest share of each service's CPU. This module turns one
(expanded) schema into plain Python functions, compiled once per process, that write
a model's attributes straight to bytes (no `model_dump()`, no datum dict) and read
a body from a `bytes` object by offset into exactly the datum fastavro would return.

They are a fast path, never the only path: `SingleObjectCodec` falls back to fastavro
whenever a compiled function raises (a value the schema cannot carry, a truncated or
malformed body), so errors, dead letters and their messages are fastavro's, and a
schema this module cannot compile (a union of two non-null branches) always uses
fastavro. The unit tests check, record by record, that both paths give the same bytes
and the same datums.

Supported: null, boolean, int, long, float, double, bytes, string, enum, record,
array, map, optional unions (`["null", T]` in either order), and the logical types
the schemas use (`timestamp-micros` on long, `date` on int).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from keyword import iskeyword
from typing import Any

from pydantic import BaseModel

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAYS_SHIFT = date(1970, 1, 1).toordinal()
_BYTE = [bytes([i]) for i in range(256)]
_PACK_D, _PACK_F = struct.Struct("<d").pack, struct.Struct("<f").pack
_UNPACK_D, _UNPACK_F = struct.Struct("<d").unpack_from, struct.Struct("<f").unpack_from
_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})

Writer = Callable[[BaseModel, bytes], bytes]
Reader = Callable[[bytes, int], dict[str, Any]]


class NotCompilable(ValueError):
    """The schema uses something this module does not generate code for."""


class BodyError(ValueError):
    """The compiled reader met bytes it will not interpret; fastavro gets to say why."""


# --- helpers the generated code calls -------------------------------------------------
def _long(n: int) -> bytes:
    """A zig-zag varint, as Avro (and fastavro) write int and long."""
    n = (n << 1) ^ (n >> 63)
    if n < 128:
        return _BYTE[n]
    out = bytearray()
    while n > 127:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _read_long(buf: bytes, pos: int) -> tuple[int, int]:
    """A zig-zag varint at `pos` (any length); the value and the next offset."""
    b = buf[pos]
    n = b & 0x7F
    shift = 7
    pos += 1
    while b & 0x80:
        b = buf[pos]
        pos += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if shift > 70:
            raise BodyError("varint longer than 10 bytes")
    return (n >> 1) ^ -(n & 1), pos


def _read_bytes(buf: bytes, pos: int) -> tuple[bytes, int]:
    n, pos = _read_long(buf, pos)
    if n < 0:
        raise BodyError("negative length")
    end = pos + n
    if end > len(buf):
        raise BodyError("past the end")
    return buf[pos:end], end


def _read_str(buf: bytes, pos: int) -> tuple[str, int]:
    data, pos = _read_bytes(buf, pos)
    return data.decode(), pos


def _micros(value: Any) -> int:
    """fastavro's timestamp-micros for an aware datetime; anything else is left to fastavro."""
    if type(value) is datetime and value.tzinfo is not None:
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if type(value) is int:
        return value
    raise TypeError("timestamp-micros: not an aware datetime")  # naive: fastavro uses local time


def _days(value: Any) -> int:
    if isinstance(value, date):  # datetime too, as fastavro does
        return value.toordinal() - DAYS_SHIFT
    if type(value) is int:
        return value
    raise TypeError("date: not a date")


def _from_micros(n: int) -> datetime:
    return EPOCH + timedelta(microseconds=n)


def _from_days(n: int) -> date:
    return date.fromordinal(n + DAYS_SHIFT)


_GLOBALS: dict[str, Any] = {
    "_long": _long, "_read_long": _read_long, "_micros": _micros, "_days": _days,
    "_from_micros": _from_micros, "_from_days": _from_days, "_BYTE": _BYTE,
    "_read_str": _read_str, "_read_bytes": _read_bytes, "_EPOCH": EPOCH, "_TD": timedelta,
    "_PACK_D": _PACK_D, "_PACK_F": _PACK_F, "_UNPACK_D": _UNPACK_D, "_UNPACK_F": _UNPACK_F,
    "BodyError": BodyError,
}


# --- code generation ---------------------------------------------------------------------
class _Gen:
    """Generates one module of functions, one writer and one reader per record type."""

    def __init__(self) -> None:
        self.named: dict[str, dict[str, Any]] = {}
        self.consts: dict[str, Any] = {}
        self.lines: list[str] = []
        self.done_w: set[str] = set()
        self.done_r: set[str] = set()
        self.counter = 0

    def var(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def const(self, prefix: str, value: Any) -> str:
        name = self.var(f"_{prefix}")
        self.consts[name] = value
        return name

    def register(self, schema: Any, namespace: str | None = None) -> None:
        """Index every named type (full and short names) so references resolve."""
        if isinstance(schema, list):
            for branch in schema:
                self.register(branch, namespace)
            return
        if not isinstance(schema, dict):
            return
        kind = schema.get("type")
        if kind in ("record", "enum", "fixed"):
            name = schema["name"]
            ns = schema.get("namespace", namespace)
            full = name if "." in name else (f"{ns}.{name}" if ns else name)
            self.named[full] = schema
            self.named.setdefault(full.rsplit(".", 1)[-1], schema)
            if kind == "record":
                for f in schema["fields"]:
                    self.register(f["type"], full.rsplit(".", 1)[0] if "." in full else ns)
        elif kind == "array":
            self.register(schema["items"], namespace)
        elif kind == "map":
            self.register(schema["values"], namespace)
        elif isinstance(kind, (dict, list)):
            self.register(kind, namespace)

    def resolve(self, schema: Any) -> Any:
        if isinstance(schema, str) and schema not in _PRIMITIVES:
            try:
                return self.named[schema]
            except KeyError:
                raise NotCompilable(f"unknown named type {schema!r}") from None
        if isinstance(schema, dict) and isinstance(schema.get("type"), (dict, list)):
            return self.resolve(schema["type"])
        if isinstance(schema, dict) and schema.get("type") in _PRIMITIVES and "logicalType" not in schema:
            return schema["type"]
        return schema

    @staticmethod
    def fn_name(prefix: str, record: dict[str, Any]) -> str:
        return prefix + record["name"].replace(".", "_")

    # --- writers: `o` is the output bytearray -------------------------------------------
    def writer(self, record: dict[str, Any]) -> str:
        name = self.fn_name("w_", record)
        if name in self.done_w:
            return name
        self.done_w.add(name)
        body: list[str] = []
        for f in record["fields"]:
            v = self.var("v")
            attr = f["name"]
            body.append(f"{v} = m.{attr}" if attr.isidentifier() and not iskeyword(attr) else f"{v} = getattr(m, {attr!r})")
            body += self.write_value(f["type"], v)
        self.lines += [f"def {name}(m, o):", *("    " + line for line in body or ["pass"]), ""]
        return name

    def write_value(self, schema: Any, v: str) -> list[str]:
        schema = self.resolve(schema)
        if isinstance(schema, list):
            return self.write_union(schema, v)
        if isinstance(schema, str):
            return self.write_primitive(schema, v)
        kind, logical = schema.get("type"), schema.get("logicalType")
        if logical == "timestamp-micros" and kind == "long":
            return [f"o += _long(_micros({v}))"]
        if logical == "date" and kind == "int":
            return [f"o += _long(_days({v}))"]
        if logical is not None:
            raise NotCompilable(f"logical type {logical!r} on {kind!r}")
        if kind in _PRIMITIVES:
            return self.write_primitive(kind, v)
        if kind == "record":
            return [f"{self.writer(schema)}({v}, o)"]
        if kind == "enum":
            table = self.const("E", {s: _long(i) for i, s in enumerate(schema["symbols"])})
            return [f"o += {table}[{v}]"]  # str enums hash as their value: members and strings both work
        if kind == "array":
            x = self.var("x")
            return [f"if {v}:", *("    " + line for line in self.write_long(f"len({v})")), f"    for {x} in {v}:",
                    *("        " + line for line in self.write_value(schema["items"], x)), "o.append(0)"]
        if kind == "map":
            k, x = self.var("k"), self.var("x")
            return [f"if {v}:", *("    " + line for line in self.write_long(f"len({v})")),
                    f"    for {k}, {x} in {v}.items():",
                    *("        " + line for line in self.write_primitive("string", k)),
                    *("        " + line for line in self.write_value(schema["values"], x)), "o.append(0)"]
        raise NotCompilable(f"type {kind!r}")

    def write_long(self, expr: str) -> list[str]:
        """A long; one byte (the common case) without a call. Non-integers raise (fastavro decides)."""
        n = self.var("n")
        return [f"{n} = {expr}", f"if 0 <= {n} < 64: o.append({n} << 1)", f"else: o += _long({n})"]

    def write_primitive(self, kind: str, v: str) -> list[str]:
        if kind == "null":
            return [f"if {v} is not None: raise TypeError('null expected')"]
        if kind == "boolean":
            return [f"o.append(1 if {v} else 0)"]
        if kind in ("int", "long"):
            return self.write_long(v)
        if kind == "double":
            return [f"o += _PACK_D({v})"]
        if kind == "float":
            return [f"o += _PACK_F({v})"]
        if kind == "string":
            s = self.var("s")
            return [f"{s} = {v}.encode()", *self.write_long(f"len({s})"), f"o += {s}"]
        if kind == "bytes":
            return [f"if type({v}) is not bytes: raise TypeError('bytes expected')",
                    *self.write_long(f"len({v})"), f"o += {v}"]
        raise NotCompilable(f"type {kind!r}")

    def write_union(self, branches: list[Any], v: str) -> list[str]:
        other = [i for i, b in enumerate(branches) if b != "null"]
        if len(branches) != 2 or len(other) != 1:
            raise NotCompilable(f"union {branches!r:.80}: only optional unions are compiled")
        null_index, index = 1 - other[0], other[0]
        return [f"if {v} is None:", f"    o.append({null_index << 1})", "else:", f"    o.append({index << 1})",
                *("    " + line for line in self.write_value(branches[index], v))]

    # --- readers: (buf, pos) -> (datum, pos) --------------------------------------------
    # The common cases (a one-byte length, count or index) are read inline; anything
    # longer goes through a helper. A read past the end leaves `pos` beyond the body,
    # which the final length check (or the next index) turns into an error.
    def reader(self, record: dict[str, Any], fields: frozenset[str] | None = None) -> str:
        name = self.fn_name("r_", record) if fields is None else "read_projected"
        if name in self.done_r:
            return name
        self.done_r.add(name)
        body: list[str] = []
        items = []
        names = [f["name"] for f in record["fields"]]
        last = len(names) if fields is None else max(i for i, n in enumerate(names) if n in fields) + 1
        for f in record["fields"][:last]:  # a projection stops after the last field it keeps
            if fields is not None and f["name"] not in fields:
                body += self.skip_value(f["type"])
                continue
            v = self.var("v")
            body += self.read_value(f["type"], v)
            items.append(f"{f['name']!r}: {v}")
        body.append("return {" + ", ".join(items) + "}, pos")
        self.lines += [f"def {name}(buf, pos):", *("    " + line for line in body), ""]
        return name

    def read_long(self, target: str) -> list[str]:
        b = self.var("b")
        return [f"{b} = buf[pos]", f"if {b} < 128:", f"    {target} = ({b} >> 1) ^ -({b} & 1)", "    pos += 1",
                "else:", f"    {target}, pos = _read_long(buf, pos)"]

    def read_value(self, schema: Any, target: str) -> list[str]:
        schema = self.resolve(schema)
        if isinstance(schema, list):
            return self.read_union(schema, target)
        if isinstance(schema, str):
            return self.read_primitive(schema, target)
        kind, logical = schema.get("type"), schema.get("logicalType")
        if logical == "timestamp-micros" and kind == "long":
            n = self.var("n")
            return [*self.read_long(n), f"{target} = _EPOCH + _TD(0, 0, {n})"]
        if logical == "date" and kind == "int":
            n = self.var("n")
            return [*self.read_long(n), f"{target} = _from_days({n})"]
        if logical is not None:
            raise NotCompilable(f"logical type {logical!r} on {kind!r}")
        if kind in _PRIMITIVES:
            return self.read_primitive(kind, target)
        if kind == "record":
            return [f"{target}, pos = {self.reader(schema)}(buf, pos)"]
        if kind == "enum":
            # raw byte -> symbol for every index that fits one byte; others go the long way
            table = self.const("S", {i << 1: sym for i, sym in enumerate(schema["symbols"]) if i < 64})
            symbols = self.const("S", tuple(schema["symbols"]))
            n = self.var("n")
            return [f"{target} = {table}.get(buf[pos])", "pos += 1", f"if {target} is None:",
                    "    pos -= 1", *("    " + line for line in self.read_long(n)),
                    f"    if {n} < 0: raise BodyError('negative enum index')",
                    f"    {target} = {symbols}[{n}]"]
        if kind in ("array", "map"):
            items, n, k, x = self.var("items"), self.var("n"), self.var("k"), self.var("x")
            block = [f"if {n} < 0:", f"    {n} = -{n}", *("    " + line for line in self.read_long(self.var("size"))),
                     f"for _ in range({n}):"]
            if kind == "array":
                block += ["    " + line for line in self.read_value(schema["items"], x)]
                block.append(f"    {items}.append({x})")
            else:
                block += ["    " + line for line in self.read_primitive("string", k)]
                block += ["    " + line for line in self.read_value(schema["values"], x)]
                block.append(f"    {items}[{k}] = {x}")
            return [f"{items} = {'[]' if kind == 'array' else '{}'}", *self.read_long(n), f"while {n}:",
                    *("    " + line for line in block), *("    " + line for line in self.read_long(n)),
                    f"{target} = {items}"]
        raise NotCompilable(f"type {kind!r}")

    def read_primitive(self, kind: str, target: str) -> list[str]:
        if kind == "null":
            return [f"{target} = None"]
        if kind == "boolean":
            return [f"{target} = buf[pos] != 0", "pos += 1"]
        if kind in ("int", "long"):
            return self.read_long(target)
        if kind == "double":
            return [f"{target} = _UNPACK_D(buf, pos)[0]", "pos += 8"]
        if kind == "float":
            return [f"{target} = _UNPACK_F(buf, pos)[0]", "pos += 4"]
        if kind in ("string", "bytes"):
            b, end = self.var("b"), self.var("e")
            value = f"buf[pos + 1:{end}].decode()" if kind == "string" else f"buf[pos + 1:{end}]"
            helper = "_read_str" if kind == "string" else "_read_bytes"
            return [f"{b} = buf[pos]", f"if {b} < 128 and not {b} & 1:", f"    {end} = pos + 1 + ({b} >> 1)",
                    f"    {target} = {value}", f"    pos = {end}", "else:", f"    {target}, pos = {helper}(buf, pos)"]
        raise NotCompilable(f"type {kind!r}")

    # --- skipping: a value read past, nothing built (projected reads) --------------------
    def skipper(self, record: dict[str, Any]) -> str:
        name = self.fn_name("s_", record)
        if name in self.done_r:
            return name
        self.done_r.add(name)
        body: list[str] = []
        for f in record["fields"]:
            body += self.skip_value(f["type"])
        self.lines += [f"def {name}(buf, pos):", *("    " + line for line in body), "    return pos", ""]
        return name

    def skip_value(self, schema: Any) -> list[str]:
        schema = self.resolve(schema)
        if isinstance(schema, list):
            other = [i for i, b in enumerate(schema) if b != "null"]
            if len(schema) != 2 or len(other) != 1:
                raise NotCompilable(f"union {schema!r:.80}: only optional unions are compiled")
            u = self.var("u")
            return [f"{u} = buf[pos]", "pos += 1", f"if {u} == {other[0] << 1}:",
                    *("    " + line for line in self.skip_value(schema[other[0]]) or ["pass"]),
                    f"elif {u} != {(1 - other[0]) << 1}:", "    raise BodyError('union index out of range')"]
        kind = schema if isinstance(schema, str) else schema.get("type")
        if kind == "null":
            return []
        if kind == "boolean":
            return ["pos += 1"]
        if kind in ("int", "long", "enum"):
            return self.read_long(self.var("n"))
        if kind == "double":
            return ["pos += 8"]
        if kind == "float":
            return ["pos += 4"]
        if kind in ("string", "bytes"):
            n = self.var("n")
            return [*self.read_long(n), f"if {n} < 0: raise BodyError('negative length')", f"pos += {n}"]
        if kind == "record":
            return [f"pos = {self.skipper(schema)}(buf, pos)"]
        if kind in ("array", "map"):
            n, size = self.var("n"), self.var("size")
            item = self.skip_value(schema["items"]) if kind == "array" else [
                *self.skip_value("string"), *self.skip_value(schema["values"])]
            return [*self.read_long(n), f"while {n}:", f"    if {n} < 0:",
                    *("        " + line for line in self.read_long(size)),
                    f"        if {size} < 0: raise BodyError('negative block size')",
                    f"        pos += {size}", "    else:", f"        for _ in range({n}):",
                    *("            " + line for line in item or ["pass"]),
                    *("    " + line for line in self.read_long(n))]
        raise NotCompilable(f"type {kind!r}")

    def read_union(self, branches: list[Any], target: str) -> list[str]:
        other = [i for i, b in enumerate(branches) if b != "null"]
        if len(branches) != 2 or len(other) != 1:
            raise NotCompilable(f"union {branches!r:.80}: only optional unions are compiled")
        index = other[0]
        u = self.var("u")
        # a union index of 0 or 1 is the single byte 0 or 2
        return [f"{u} = buf[pos]", "pos += 1", f"if {u} == {(1 - index) << 1}:", f"    {target} = None",
                f"elif {u} == {index << 1}:", *("    " + line for line in self.read_value(branches[index], target)),
                "else:", "    raise BodyError('union index out of range')"]


def compile_schema(schema: dict[str, Any]) -> tuple[Writer, Reader]:
    """(write(model, header) -> header + body, read(data, offset) -> datum) for one expanded record schema.

    `read` raises if the body does not end exactly at the end of `data`.
    """
    gen = _start(schema)
    top_w, top_r = gen.writer(schema), gen.reader(schema)
    namespace = _build(gen, schema, [
        "def write(m, header):",
        "    out = bytearray(header)",
        f"    {top_w}(m, out)",
        "    return bytes(out)",
        "",
        "def read(buf, pos):",
        f"    d, pos = {top_r}(buf, pos)",
        "    if pos != len(buf): raise BodyError(f'{len(buf) - pos} byte(s) left over')",
        "    return d",
    ])
    return namespace["write"], namespace["read"]


def compile_projection(schema: dict[str, Any], fields: frozenset[str]) -> Reader:
    """read(data, offset) -> the datum with only `fields` of the top-level record.

    Fields before the last kept one are skipped over (their lengths checked, nothing
    built); fields after it are not read at all: a decision's save play and
    classification, its last fields and most of its bytes, cost a projection nothing.
    A body that ends too early still fails; bytes after the last field read are not
    looked at.
    """
    names = [f["name"] for f in schema.get("fields", ())]
    unknown = fields - set(names)
    if unknown or not fields:
        raise ValueError(f"{schema.get('name')} has no field(s) {sorted(unknown)}" if unknown
                         else "a projection keeps at least one field")
    gen = _start(schema)
    top = gen.reader(schema, fields)
    whole = names[-1] in fields
    namespace = _build(gen, schema, [
        "def read(buf, pos):",
        f"    d, pos = {top}(buf, pos)",
        f"    if pos {'!=' if whole else '>'} len(buf): raise BodyError('the body and the schema disagree on its length')",
        "    return d",
    ])
    return namespace["read"]


def _start(schema: dict[str, Any]) -> _Gen:
    if not isinstance(schema, dict) or schema.get("type") != "record":
        raise NotCompilable("only record schemas are compiled")
    gen = _Gen()
    gen.register(schema)
    return gen


def _build(gen: _Gen, schema: dict[str, Any], entry_points: list[str]) -> dict[str, Any]:
    source = "\n".join([*gen.lines, *entry_points])
    namespace = {**_GLOBALS, **gen.consts}
    try:
        code = compile(source, f"<avro {schema.get('name')}>", "exec")
    except SyntaxError as exc:  # a name Python cannot spell
        raise NotCompilable(f"generated code does not compile: {exc}") from exc
    exec(code, namespace)  # noqa: S102 - code generated above from the schema, no outside text
    return namespace
