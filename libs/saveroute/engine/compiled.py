"""Build once per immutable object: compiled forms of a loaded policy or model.

Policies and models are frozen pydantic objects holding lists, so they cannot be
hashed; this cache is keyed by identity and keeps the object alive with its value,
so an id is never reused for a different object while its entry exists.
"""

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class PerObject(Generic[K, V]):
    def __init__(self, build: Callable[[K], V], limit: int = 16) -> None:
        self._build = build
        self._limit = limit
        self._entries: dict[int, tuple[K, V]] = {}

    def __call__(self, key: K) -> V:
        entry = self._entries.get(id(key))
        if entry is None or entry[0] is not key:
            if len(self._entries) >= self._limit:
                self._entries.clear()
            entry = (key, self._build(key))
            self._entries[id(key)] = entry
        return entry[1]
