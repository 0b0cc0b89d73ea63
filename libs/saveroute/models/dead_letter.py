"""A message a stage could not process, kept whole so nothing is lost."""

from saveroute.models._base import Model, UtcDatetime


class DeadLetter(Model):
    original_value: bytes | None = None
    original_key: bytes | None = None
    topic: str
    partition: int
    offset: int
    service: str
    error: str  # "field: reason" or the exception's message
    error_type: str  # undecodable | invalid | handler_failed
    failed_at: UtcDatetime
