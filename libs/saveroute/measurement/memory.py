"""A dict-backed `StateBackend`: the same contract as Redis, for tests and dry runs."""

from collections.abc import Sequence

from saveroute.measurement.catalog import CAUSES
from saveroute.measurement.ledger import Changes, open_tasks_key


class MemoryBackend:
    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.zsets: dict[str, dict[str, float]] = {}
        self.series: dict[str, float] = {}
        self.applied = 0  # how many batches changed anything (tests read it)

    def fetch(self, keys: Sequence[str]) -> dict[str, str | None]:
        return {key: self.values.get(key) for key in keys}

    def apply(self, changes: Changes) -> bool:
        if changes.empty():
            return True
        self.values.update(changes.sets)
        for op, zkey, member, score in changes.zset_ops:
            members = self.zsets.setdefault(zkey, {})
            if op == "add":
                members[member] = score
            else:
                members.pop(member, None)
        for key, amount in changes.increments.items():
            self.series[key] = self.series.get(key, 0.0) + amount
        self.applied += 1
        return True

    def totals(self) -> dict[str, float]:
        return dict(self.series)

    def open_tasks(self, now: float) -> tuple[dict[str, int], dict[str, int]]:
        open_, past_due = {}, {}
        for cause in CAUSES:
            due = self.zsets.get(open_tasks_key(cause), {}).values()
            open_[cause] = len(due)
            past_due[cause] = sum(1 for d in due if d < now)
        return open_, past_due
