"""Common model configuration and the UTC timestamp type every model uses."""

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


def _as_utc(value: datetime) -> datetime:
    # RFC 3339 requires an offset; a naive timestamp is read as UTC rather than
    # rejected, and every timestamp is normalised to UTC so output is stable.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def iso_z(value: datetime) -> str:
    """Render a UTC datetime as `YYYY-MM-DDTHH:MM:SSZ` (microseconds kept if any)."""
    text = _as_utc(value).isoformat()
    return text.replace("+00:00", "Z")


class Model(BaseModel):
    """Inbound shapes: unknown keys are ignored (scenarios carry `expected`)."""

    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=False)

