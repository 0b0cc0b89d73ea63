"""Small readers for untrusted JSON: dotted paths, timestamps, numbers, with field names in errors."""

from datetime import date, datetime, timezone
from typing import Any

from saveroute.ingest.errors import MappingError

_MISSING = object()


def dig(data: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path (`a.b.0.c`), or `default` when any step is absent or null."""
    current = data
    for part in path.split("."):
        if isinstance(current, dict):
            current = current.get(part, _MISSING)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return default
        if current is _MISSING or current is None:
            return default
    return current


def need(data: Any, path: str, field: str | None = None) -> Any:
    """Like `dig`, but a missing value is a MappingError naming the field."""
    value = dig(data, path)
    if value is None or value == "":
        raise MappingError(field or path, "missing")
    return value


def text(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def id_of(value: Any) -> str | None:
    """A Stripe-style reference: either an id string or an expanded object with `id`."""
    if isinstance(value, dict):
        value = value.get("id")
    return text(value)


def from_unix(value: Any, field: str) -> datetime:
    """Unix seconds (int, float or digit string) as a UTC datetime."""
    try:
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        raise MappingError(field, f"not a unix timestamp: {value!r}") from None


def from_unix_ms(value: Any, field: str) -> datetime:
    try:
        return from_unix(float(value) / 1000.0, field)
    except (TypeError, ValueError):
        raise MappingError(field, f"not a millisecond timestamp: {value!r}") from None


def from_iso(value: Any, field: str) -> datetime:
    """An ISO 8601 timestamp (`Z` or offset; naive is read as UTC)."""
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise MappingError(field, f"not an ISO 8601 timestamp: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def to_date(value: Any, field: str) -> date:
    """A calendar date from `YYYY-MM-DD`, an ISO timestamp, or epoch milliseconds (HubSpot)."""
    raw = str(value).strip()
    if raw.isdigit():
        return from_unix_ms(raw, field).date()
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise MappingError(field, f"not a date: {value!r}") from None


def to_float(value: Any, field: str) -> float:
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise MappingError(field, f"not a number: {value!r}") from None
