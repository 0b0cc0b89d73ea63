"""Exponential backoff for transient faults: how long to wait before the next attempt.

Pure and deterministic (no jitter: a single consumer per partition retries alone, so
there is no herd to spread), capped so a long outage is polled at a steady rate.
"""

from dataclasses import dataclass


@dataclass
class Backoff:
    initial_s: float = 0.05
    max_s: float = 5.0
    factor: float = 2.0
    attempt: int = 0

    def next_delay(self) -> float:
        """The wait before the next attempt; each call doubles it up to `max_s`."""
        delay = min(self.max_s, self.initial_s * (self.factor ** self.attempt))
        if delay < self.max_s:
            self.attempt += 1
        return delay

    def reset(self) -> None:
        self.attempt = 0
