"""One batch's view of measurement state: reads what was fetched, buffers every write.

The counting logic never talks to Redis. It reads join facts and idempotency
marks through a `Ledger`, and records counter increments and histogram
observations on it. The backend (Redis in the service, a dict in tests) fetches
the keys a batch needs in one round trip and applies the ledger's `Changes`
atomically, so a batch's marks and its increments land together or not at all.
"""

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from saveroute.measurement.catalog import MetricSpec

SEP = "|"


def series_field(sample: str, values: Sequence[str]) -> str:
    """The storage field of one series: sample name and label values (closed vocabularies)."""
    return SEP.join((sample, *values))


def parse_series_field(text: str) -> tuple[str, tuple[str, ...]]:
    sample, *values = text.split(SEP)
    return sample, tuple(values)


def bucket_label(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(float(bound))


def open_tasks_key(cause: str) -> str:
    return f"open:{cause}"


@dataclass
class Changes:
    """Everything a batch writes: state keys, open-task set edits (in order), increments."""

    sets: dict[str, str] = field(default_factory=dict)
    zset_ops: list[tuple[str, str, str, float]] = field(default_factory=list)  # (op, zkey, member, score)
    increments: dict[str, float] = field(default_factory=dict)

    def empty(self) -> bool:
        return not (self.sets or self.zset_ops or self.increments)


class StateBackend(Protocol):
    def fetch(self, keys: Sequence[str]) -> dict[str, str | None]:
        """Current values of `keys` (and, for a concurrent store, start watching them)."""

    def apply(self, changes: Changes) -> bool:
        """Apply atomically; False when a fetched key changed meanwhile (recount the batch)."""

    def totals(self) -> dict[str, float]:
        """Every stored series field and its value."""

    def open_tasks(self, now: float) -> tuple[dict[str, int], dict[str, int]]:
        """Per cause: open owner tasks, and those of them past their due time at `now`."""


class StateUnavailable(RuntimeError):
    """The state store cannot be read right now (a scrape then shows no business series)."""


class UndeclaredKey(KeyError):
    """The counting logic read a key its event did not declare: a bug, not bad data."""


class Ledger:
    def __init__(self, fetched: dict[str, str | None]):
        self._values = dict(fetched)
        self.changes = Changes()

    def get(self, key: str) -> str | None:
        if key not in self._values:
            raise UndeclaredKey(key)
        return self._values[key]

    def set(self, key: str, value: str) -> None:
        self._values[key] = value
        self.changes.sets[key] = value

    def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (exactly-once marks)."""
        if self.get(key) is not None:
            return False
        self.set(key, "1")
        return True

    def open_task(self, cause: str, task_id: str, due_at: float) -> None:
        self.changes.zset_ops.append(("add", open_tasks_key(cause), task_id, due_at))

    def close_task(self, cause: str, task_id: str) -> None:
        self.changes.zset_ops.append(("rem", open_tasks_key(cause), task_id, 0.0))

    def inc(self, spec: MetricSpec, values: Sequence[str], amount: float = 1.0) -> None:
        assert spec.kind == "counter" and len(values) == len(spec.labels), spec.name
        self._add(series_field(spec.name, values), amount)

    def observe(self, spec: MetricSpec, values: Sequence[str], value: float) -> None:
        """A histogram observation, stored as cumulative bucket counts plus sum and count."""
        assert spec.kind == "histogram" and len(values) == len(spec.labels), spec.name
        for bound in (*spec.buckets, float("inf")):
            if value <= bound:
                self._add(series_field(f"{spec.name}_bucket", (*values, bucket_label(bound))), 1.0)
        self._add(series_field(f"{spec.name}_sum", values), value)
        self._add(series_field(f"{spec.name}_count", values), 1.0)

    def _add(self, key: str, amount: float) -> None:
        self.changes.increments[key] = self.changes.increments.get(key, 0.0) + amount
