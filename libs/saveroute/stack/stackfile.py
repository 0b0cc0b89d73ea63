"""`.run/stack.json`: where a running local stack can be reached.

`saveroute up` writes it; `saveroute replay` and `saveroute tail` read it when no
`--bootstrap` is given, so they find the stack without flags.
"""

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

DEFAULT_RUN_DIR = Path(".run")


@dataclass(frozen=True)
class StackInfo:
    bootstrap: str
    redis_url: str
    metrics: dict[str, str] = field(default_factory=dict)  # service -> metrics URL
    pids: dict[str, int] = field(default_factory=dict)  # service -> pid (for operators)
    owner_pid: int = 0  # the `saveroute up` process


def run_dir() -> Path:
    return Path(os.environ.get("SAVEROUTE_RUN_DIR", DEFAULT_RUN_DIR))


def stack_path(directory: Path | None = None) -> Path:
    return (directory or run_dir()) / "stack.json"


def write(info: StackInfo, directory: Path | None = None) -> Path:
    path = stack_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read(directory: Path | None = None) -> StackInfo | None:
    """The running stack's details, or None when there is no stack file or its owner is gone."""
    path = stack_path(directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    info = StackInfo(**data)
    if info.owner_pid and not _alive(info.owner_pid):
        return None
    return info


def remove(directory: Path | None = None) -> None:
    stack_path(directory).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
