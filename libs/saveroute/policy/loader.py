"""Load a policy file: the shipped default, or an operator's file merged onto it.

An operator's file may override any subset of keys; mappings merge key by key,
lists replace. A malformed file fails at start with the file, the key and the
reason, never later in the middle of a decision.
"""

import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from saveroute.policy.schema import Policy

ENV_VAR = "SAVEROUTE_POLICY"
# libyaml's loader when PyYAML was built with it (much faster start-up), else the pure one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PolicyError(Exception):
    """A policy file that cannot be used: names the file, the key and the reason."""

    def __init__(self, file: str, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}")


def default_policy_path() -> Path:
    return Path(__file__).with_name("default.yaml")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(path), "(file)", f"cannot read: {exc.strerror or exc}") from exc
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise PolicyError(str(path), where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise PolicyError(str(path), "(top level)", "must be a mapping of keys to values")
    return data


def _parse_model(raw: bytes) -> Any:
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON: {exc.msg}") from exc
    if isinstance(parsed, dict):
        parsed["fingerprint"] = hashlib.sha256(raw).hexdigest()[:12]
    return parsed


def _parse_words(raw: bytes) -> frozenset[str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"is not UTF-8 text: {exc.reason}") from exc
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


# classification sections that name a data file -> (the field the loader fills, how the file reads)
_DATA_FILES: dict[str, tuple[str, Callable[[bytes], Any]]] = {
    "model": ("data", _parse_model),
    "known_words": ("words", _parse_words),
}


def _resolve_data_files(data: dict[str, Any], path: Path) -> None:
    """A data file named in a policy (the model, the known words) is relative to that policy file."""
    for key in _DATA_FILES:
        section = (data.get("classification") or {}).get(key)
        if isinstance(section, dict) and isinstance(section.get("file"), str):
            section["file"] = str((path.parent / section["file"]).resolve())


def _attach_data_files(data: dict[str, Any], source: str) -> None:
    """Read each data file the merged policy names into the field the schema validates."""
    for key, (field, parse) in _DATA_FILES.items():
        section = (data.get("classification") or {}).get(key)
        if not isinstance(section, dict) or not section.get("file"):
            continue
        path, where = Path(section["file"]), f"classification.{key}.file"
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PolicyError(source, where, f"cannot read {path}: {exc.strerror or exc}") from exc
        try:
            section[field] = parse(raw)
        except ValueError as exc:
            raise PolicyError(source, where, f"{path} {exc}") from exc


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return override


def _key_of(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


@lru_cache(maxsize=8)
def _load(path_text: str | None) -> Policy:
    default_path = default_policy_path()
    data = _read_yaml(default_path)
    _resolve_data_files(data, default_path)
    source = str(default_path)
    if path_text is not None:
        path = Path(path_text)
        override = _read_yaml(path)
        _resolve_data_files(override, path)
        if "version" not in override:
            raise PolicyError(str(path), "version", "an operator policy must set its own version")
        data = _merge(data, override)
        source = str(path)
    _attach_data_files(data, source)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PolicyError(source, _key_of(first["loc"]), first["msg"]) from exc


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The policy at `path`, else at $SAVEROUTE_POLICY, else the shipped default."""
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    return _load(str(chosen) if chosen is not None else None)
