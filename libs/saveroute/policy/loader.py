"""Load a policy file: the shipped default, or an operator's file merged onto it.

An operator's file may override any subset of keys; mappings merge key by key,
lists replace. A malformed file fails at start with the file, the key and the
reason, never later in the middle of a decision.
"""

import hashlib
import json
import os
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


_DATA_FILES = ("model", "known_words")  # classification sections that name a data file


def _resolve_data_files(data: dict[str, Any], path: Path) -> None:
    """A data file named in a policy (the model, the known words) is relative to that policy file."""
    for key in _DATA_FILES:
        section = (data.get("classification") or {}).get(key)
        if isinstance(section, dict) and isinstance(section.get("file"), str):
            section["file"] = str((path.parent / section["file"]).resolve())


def _attach_known_words(data: dict[str, Any], source: str) -> None:
    section = (data.get("classification") or {}).get("known_words")
    if not isinstance(section, dict) or not section.get("file"):
        return
    words_path = Path(section["file"])
    try:
        text = words_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PolicyError(source, "classification.known_words.file", f"cannot read {words_path}: {reason}") from exc
    section["words"] = frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def _attach_model(data: dict[str, Any], source: str) -> None:
    model = (data.get("classification") or {}).get("model")
    if not isinstance(model, dict) or not model.get("file"):
        return
    model_path = Path(model["file"])
    try:
        raw = model_path.read_bytes()
        parsed = json.loads(raw)
    except OSError as exc:
        raise PolicyError(source, "classification.model.file", f"cannot read {model_path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise PolicyError(source, "classification.model.file", f"{model_path} is not valid JSON: {exc.msg}") from exc
    if isinstance(parsed, dict):
        parsed["fingerprint"] = hashlib.sha256(raw).hexdigest()[:12]
    model["data"] = parsed


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
    _attach_model(data, source)
    _attach_known_words(data, source)
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PolicyError(source, _key_of(first["loc"]), first["msg"]) from exc


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The policy at `path`, else at $SAVEROUTE_POLICY, else the shipped default."""
    chosen = path if path is not None else os.environ.get(ENV_VAR) or None
    return _load(str(chosen) if chosen is not None else None)
