"""The two ways a payload is refused: it is not from the source, or it cannot be mapped."""


class MappingError(ValueError):
    """A payload that cannot become a valid canonical event: which field, and why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class SignatureError(ValueError):
    """A request whose signature, timestamp or secret does not check out."""
