"""Message keys: the account id as plain UTF-8, so one account's events share a partition.

Plain bytes (not Avro) keep keys readable in every tool and equal across framings, so
partitioning never changes when the value framing does.
"""

from pydantic import BaseModel

from saveroute.models import ClassifiedCase, DeadLetter, EnrichedCase


def encode_key(account_id: str) -> bytes:
    return account_id.encode("utf-8")


def decode_key(key: bytes | None) -> str | None:
    return None if key is None else key.decode("utf-8", errors="replace")


def key_of(model: BaseModel) -> bytes | None:
    """The key a model is produced with: its account id (dead letters keep the original key)."""
    if isinstance(model, DeadLetter):
        return model.original_key
    if isinstance(model, EnrichedCase):
        return encode_key(model.signal.account_id)
    if isinstance(model, ClassifiedCase):
        return encode_key(model.case.signal.account_id)
    account_id = getattr(model, "account_id", None)
    return None if account_id is None else encode_key(account_id)
