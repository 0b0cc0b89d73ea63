"""The one error a decode raises, whatever went wrong: where, and why, in plain words.

The consumer runtime dead-letters a message on `DecodeError` and moves on, so every
reason must be clear enough to act on from the dead-letter topic alone. Anything else
raised while decoding (a Schema Registry that does not answer) is transient: retry.
"""

from pydantic import ValidationError


class DecodeError(ValueError):
    """Bytes that cannot become a model: `where` is a stage or a field path, `reason` says why."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def from_validation_error(record: str, exc: ValidationError) -> DecodeError:
    """The first failing field, as `Record.field.path`, with the value that failed."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = ".".join(str(part) for part in (record, *first["loc"]))
    if first["type"] == "missing":
        reason = "required field is missing"
    else:
        reason = f"{first['input']!r:.80} is invalid: {first['msg']}"
    if len(errors) > 1:
        reason += f" (and {len(errors) - 1} more invalid field(s))"
    return DecodeError(path, reason)


def body_error(schema_label: str, exc: Exception) -> DecodeError:
    """An Avro body that does not read with its schema (truncated, corrupt, mismatched)."""
    detail = str(exc) or ("ran out of bytes: truncated" if isinstance(exc, EOFError) else "unreadable")
    return DecodeError("body", f"not a valid {schema_label} body: {type(exc).__name__}: {detail}")
