"""Read scenario lines and write decision lines exactly as the contracts describe.

One place for the contract's line format, used by `saveroute route`, `explain`,
`evaluate` and `replay`: a bad line becomes an error line naming the field and
the reason, never an exception.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from pydantic import ValidationError

from saveroute.models import DecisionError, Scenario


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(scenario)"


def _signal_id(raw: Any) -> str | None:
    if isinstance(raw, dict) and isinstance(raw.get("signal"), dict):
        value = raw["signal"].get("signal_id")
        return value if isinstance(value, str) else None
    return None


def validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        got = error.get("input")
        shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {json.dumps(got, default=str)[:60]})"
        parts.append(f"{_field(error['loc'])}: {error['msg']}{shown}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def parse_scenario(line: str, line_no: int) -> Scenario | DecisionError:
    try:  # the common case, parsed and validated in one pass by pydantic's JSON parser
        return Scenario.model_validate_json(line)
    except ValidationError:
        pass  # describe the problem from the parsed JSON below
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return DecisionError(signal_id=None, error=f"line {line_no}: not valid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(raw, dict):
        return DecisionError(signal_id=None, error=f"line {line_no}: a scenario must be a JSON object")
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        return DecisionError(signal_id=_signal_id(raw), error=f"line {line_no}: {validation_message(exc)}")


def read_scenarios(lines: Iterable[str]) -> Iterator[tuple[int, str, Scenario | DecisionError]]:
    """(line number, raw line, scenario or error) for every non-blank line."""
    for line_no, line in enumerate(lines, start=1):
        if line.strip():
            yield line_no, line, parse_scenario(line, line_no)


def write_line(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False))
    out.write("\n")
