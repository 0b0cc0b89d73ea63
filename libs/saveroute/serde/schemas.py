"""The schema registry in code: every version of every Avro type in `schemas/`, by fingerprint.

Why it exists: registry-free framing (Avro single-object encoding) names the writer
schema by its CRC-64-AVRO fingerprint, so a reader needs every version that was ever
written, parsed once, indexed by fingerprint. This module loads them from the repo's
`schemas/` directory (override with `SAVEROUTE_SCHEMAS_DIR`) and caches the result.

Layout and conventions of `schemas/`:

- One directory per named type, one file per version: `schemas/Signal/v1.avsc`,
  `schemas/Signal/v2.avsc`; enums live under `schemas/enums/<Name>/`. Every version is
  kept forever, because data written with it may still sit in a topic.
- A file defines exactly one named type and refers to other named types by full name
  (`io.saveroute.v1.Owner`). Which *version* of a referenced type it means is pinned in
  the file's `references` attribute, `[{"name": "io.saveroute.v1.Owner", "version": 1}]`
  (the same idea as Confluent's schema references; Avro ignores unknown attributes).
  Pinning keeps an old version's expanded schema, and so its fingerprint, stable when a
  nested type evolves: evolving `Signal` means adding `Signal/v2` *and* new versions of
  the records that carry it (`EnrichedCase/v2` pins `Signal` v2).
- Loading expands every file into a self-contained schema (each named type defined
  once, where the parser first meets it) and drops `references`; that expanded form is
  what fastavro parses, what the fingerprint is computed from, and what is registered
  with a Confluent Schema Registry.
- Timestamps are `long` + `timestamp-micros` (lossless for Python datetimes, which carry
  microseconds); dates are `int` + `date`; optional fields are `["null", T]` with
  default null; lists default to `[]`; `dict[str, float]` is a `map` of `double`.

Enums are Avro enums, not strings: the schema itself then documents and enforces the
closed vocabularies the contracts define, code generated from it in other languages
gets real enum types, and a symbol costs one varint on the wire. Schema resolution
matches symbols by name, so reordering is safe; adding a symbol is safe for readers
that already know it (upgrade consumers before producers). Where a safe fallback
exists the enum declares a `default` symbol, so a reader that meets a newer, unknown
symbol degrades instead of failing: `Cause` -> `unclear`, `Path` -> `human_review`,
`ChampionStatus` -> `unknown`. The others (signal kind, approval role, ...) have no
harmless fallback, so an unknown symbol fails decoding and the message is dead-lettered
rather than silently misrouted.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastavro.schema import fingerprint, parse_schema, to_parsing_canonical_form

SCHEMAS_DIR_ENV = "SAVEROUTE_SCHEMAS_DIR"
NAMESPACE = "io.saveroute.v1"
FINGERPRINT_ALGORITHM = "CRC-64-AVRO"

_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.avsc$")


class SchemaLoadError(ValueError):
    """A file in `schemas/` is malformed, or its references cannot be resolved."""


def schemas_dir() -> Path:
    """The directory the schemas are loaded from: `$SAVEROUTE_SCHEMAS_DIR` or the repo's."""
    override = os.environ.get(SCHEMAS_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "schemas"


@dataclass(frozen=True)
class SchemaVersion:
    """One version of one named type, expanded, parsed and fingerprinted."""

    name: str  # the short name, e.g. "Signal"
    full_name: str  # e.g. "io.saveroute.v1.Signal"
    version: int
    path: Path
    schema: dict[str, Any] = field(repr=False)  # self-contained JSON schema
    parsed: dict[str, Any] = field(repr=False)  # fastavro's parsed form, ready to read/write
    canonical_form: str = field(repr=False)
    fingerprint: bytes  # 8 bytes, in the order the single-object header carries them

    @property
    def fingerprint_hex(self) -> str:
        return "0x" + self.fingerprint.hex()

    @property
    def json(self) -> str:
        """The self-contained schema as JSON text (what a Schema Registry is given)."""
        return json.dumps(self.schema, separators=(",", ":"))


class SchemaCatalog:
    """Every loaded version: by name (oldest first) and by fingerprint."""

    def __init__(self, versions: Iterable[SchemaVersion]) -> None:
        by_name: dict[str, list[SchemaVersion]] = {}
        by_fingerprint: dict[bytes, SchemaVersion] = {}
        for version in versions:
            clash = by_fingerprint.get(version.fingerprint)
            if clash is not None:
                raise SchemaLoadError(
                    f"{version.path} has the same canonical form as {clash.path} "
                    f"(fingerprint {version.fingerprint_hex}); a new version must change what is written"
                )
            by_fingerprint[version.fingerprint] = version
            by_name.setdefault(version.name, []).append(version)
        self._by_name = {n: tuple(sorted(vs, key=lambda v: v.version)) for n, vs in by_name.items()}
        self._by_fingerprint = by_fingerprint

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def versions(self, name: str) -> tuple[SchemaVersion, ...]:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"no schema named {name!r}; known: {self.names()}") from None

    def newest(self, name: str) -> SchemaVersion:
        return self.versions(name)[-1]

    def by_fingerprint(self, fp: bytes) -> SchemaVersion | None:
        return self._by_fingerprint.get(fp)

    def __len__(self) -> int:
        return len(self._by_fingerprint)


@lru_cache(maxsize=1)
def default_catalog() -> SchemaCatalog:
    """The catalog of `schemas_dir()`, loaded and parsed once per process."""
    return load_catalog(schemas_dir())


def load_catalog(directory: Path) -> SchemaCatalog:
    sources = _read_sources(directory)
    versions = []
    for (full_name, version), (path, _) in sorted(sources.items()):
        expanded = _Expander(sources).expand(full_name, version)
        canonical = to_parsing_canonical_form(expanded)
        versions.append(
            SchemaVersion(
                name=full_name.rsplit(".", 1)[-1],
                full_name=full_name,
                version=version,
                path=path,
                schema=expanded,
                parsed=parse_schema(expanded, named_schemas={}),
                canonical_form=canonical,
                fingerprint=bytes.fromhex(fingerprint(canonical, FINGERPRINT_ALGORITHM)),
            )
        )
    return SchemaCatalog(versions)


_Sources = dict[tuple[str, int], tuple[Path, dict[str, Any]]]


def _read_sources(directory: Path) -> _Sources:
    if not directory.is_dir():
        raise SchemaLoadError(f"schema directory {directory} does not exist (set {SCHEMAS_DIR_ENV}?)")
    sources: _Sources = {}
    for path in sorted(directory.rglob("*.avsc")):
        match = _VERSION_FILE.match(path.name)
        if match is None:
            raise SchemaLoadError(f"{path}: schema files are named v<N>.avsc")
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SchemaLoadError(f"{path}: not readable JSON: {exc}") from exc
        if not isinstance(schema, dict) or schema.get("type") not in ("record", "enum", "fixed"):
            raise SchemaLoadError(f"{path}: a schema file defines one record, enum or fixed type")
        full_name = _full_name(schema, None)
        if full_name.rsplit(".", 1)[-1] != path.parent.name:
            raise SchemaLoadError(f"{path}: defines {full_name} but lives in directory {path.parent.name}/")
        sources[(full_name, int(match.group(1)))] = (path, schema)
    if not sources:
        raise SchemaLoadError(f"no v<N>.avsc files under {directory}")
    return sources


def _full_name(schema: dict[str, Any], enclosing_namespace: str | None) -> str:
    name = schema.get("name")
    if not isinstance(name, str) or not name:
        raise SchemaLoadError(f"named type without a name: {schema!r:.80}")
    if "." in name:
        return name
    namespace = schema.get("namespace", enclosing_namespace)
    return f"{namespace}.{name}" if namespace else name


class _Expander:
    """Builds one self-contained schema from a file and the versions it pins."""

    def __init__(self, sources: _Sources) -> None:
        self._sources = sources
        self._defined: dict[str, tuple[int, Path]] = {}  # full name -> (version, where)

    def expand(self, full_name: str, version: int) -> dict[str, Any]:
        path, schema = self._sources[(full_name, version)]
        pins = self._pins(path, schema)
        unused = set(pins)
        expanded = self._named(schema, None, version, path, pins, unused)
        if unused:
            raise SchemaLoadError(f"{path}: declares references it never uses: {sorted(unused)}")
        return expanded

    @staticmethod
    def _pins(path: Path, schema: dict[str, Any]) -> dict[str, int]:
        pins: dict[str, int] = {}
        for ref in schema.get("references", []):
            if not (isinstance(ref, dict) and isinstance(ref.get("name"), str) and isinstance(ref.get("version"), int)):
                raise SchemaLoadError(f"{path}: a reference is {{\"name\": <full name>, \"version\": <int>}}, got {ref!r}")
            pins[ref["name"]] = ref["version"]
        return pins

    def _named(
        self, schema: dict[str, Any], namespace: str | None, version: int, path: Path,
        pins: dict[str, int], unused: set[str],
    ) -> dict[str, Any]:
        full_name = _full_name(schema, namespace)
        if full_name in self._defined:
            raise SchemaLoadError(f"{path}: {full_name} is defined twice")
        self._defined[full_name] = (version, path)
        out = {k: v for k, v in schema.items() if k != "references"}
        if schema.get("type") == "record":
            inner_ns = full_name.rsplit(".", 1)[0] if "." in full_name else None
            out["fields"] = [
                {**f, "type": self._type(f["type"], inner_ns, version, path, pins, unused)}
                for f in schema.get("fields", [])
            ]
        return out

    def _type(
        self, t: Any, namespace: str | None, version: int, path: Path,
        pins: dict[str, int], unused: set[str],
    ) -> Any:
        if isinstance(t, list):
            return [self._type(b, namespace, version, path, pins, unused) for b in t]
        if isinstance(t, str):
            return t if t in _PRIMITIVES else self._reference(t, namespace, path, pins, unused)
        if not isinstance(t, dict):
            raise SchemaLoadError(f"{path}: not a type: {t!r}")
        kind = t.get("type")
        if kind in ("record", "enum", "fixed"):
            return self._named(t, namespace, version, path, pins, unused)
        if kind == "array":
            return {**t, "items": self._type(t["items"], namespace, version, path, pins, unused)}
        if kind == "map":
            return {**t, "values": self._type(t["values"], namespace, version, path, pins, unused)}
        return {**t, "type": self._type(kind, namespace, version, path, pins, unused)}

    def _reference(
        self, name: str, namespace: str | None, path: Path, pins: dict[str, int], unused: set[str],
    ) -> Any:
        full_name = name if "." in name or not namespace else f"{namespace}.{name}"
        pinned = pins.get(full_name)
        unused.discard(full_name)
        if full_name in self._defined:
            defined_version, defined_in = self._defined[full_name]
            if pinned is not None and pinned != defined_version:
                raise SchemaLoadError(
                    f"{path}: pins {full_name} v{pinned}, but v{defined_version} ({defined_in}) is already in this schema"
                )
            return full_name  # already defined earlier in this schema: refer by name
        if pinned is None:
            raise SchemaLoadError(f"{path}: refers to {full_name} without pinning a version in `references`")
        if (full_name, pinned) not in self._sources:
            raise SchemaLoadError(f"{path}: pins {full_name} v{pinned}, which does not exist")
        ref_path, ref_schema = self._sources[(full_name, pinned)]
        ref_pins = self._pins(ref_path, ref_schema)
        ref_unused = set(ref_pins)
        expanded = self._named(ref_schema, None, pinned, ref_path, ref_pins, ref_unused)
        # `ref_unused` may be non-empty here only because a type was defined earlier in
        # this expansion; each file's own expansion checks its pins strictly.
        return expanded
