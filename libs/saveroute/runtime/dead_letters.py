"""Building dead-letter records: the original bytes and key, where they came from, and why.

A dead letter must be enough, on its own, to understand and replay the message: the
exact bytes (so nothing is lost even if they never decode), the source coordinates,
the stage that gave up and a reason an operator can act on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

from pydantic import ValidationError

from saveroute.models import DeadLetter

ErrorType = Literal["undecodable", "invalid", "handler_failed"]
MAX_ERROR_CHARS = 2000


def build_dead_letter(
    *,
    value: bytes | None,
    key: bytes | None,
    topic: str,
    partition: int,
    offset: int,
    service: str,
    error: str,
    error_type: ErrorType,
    now: datetime | None = None,
) -> DeadLetter:
    return DeadLetter(
        original_value=value,
        original_key=key,
        topic=topic,
        partition=partition,
        offset=offset,
        service=service,
        error=error[:MAX_ERROR_CHARS],
        error_type=error_type,
        failed_at=now or datetime.now(timezone.utc),
    )


def decode_error_type(exc: BaseException) -> ErrorType:
    """`invalid` when the bytes decoded but the values broke the model's rules."""
    return "invalid" if isinstance(exc.__cause__, ValidationError) else "undecodable"


def describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
