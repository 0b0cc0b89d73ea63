"""The values a stage sees and returns: messages in, outputs and failures out, as data.

A stage's handler is pure with respect to Kafka: it receives decoded `InMessage`s and
returns, for each one and in the same order, `Ok(outputs)` or `Err(kind, reason)`.
The runtime does everything else (decode, dedupe, produce, dead-letter, commit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from saveroute.topics import Topic, by_name


@dataclass(frozen=True)
class InMessage:
    topic: str  # the Kafka topic name it was read from
    partition: int
    offset: int
    key: bytes | None
    value: BaseModel
    raw: bytes
    event_id: str  # the source's own event id: the idempotency key
    timestamp_ms: int


@dataclass(frozen=True)
class OutMessage:
    topic: Topic | str  # a Topic, or the name of one in saveroute.topics
    key: str  # the account id: one account's events stay on one partition
    value: BaseModel

    def resolved_topic(self) -> Topic:
        return self.topic if isinstance(self.topic, Topic) else by_name(self.topic)


@dataclass(frozen=True)
class Ok:
    outputs: list[OutMessage] = field(default_factory=list)


ErrKind = Literal["invalid", "handler_failed"]


@dataclass(frozen=True)
class Err:
    kind: ErrKind
    reason: str


Result = Ok | Err
BatchHandler = Callable[[list[InMessage]], list[Result]]
EventIdOf = Callable[[Topic, BaseModel], str]


@dataclass(frozen=True)
class Stage:
    name: str  # names the consumer group, the idempotency keys and the metrics' service label
    inputs: list[Topic]
    handle_batch: BatchHandler
    event_id: EventIdOf
    # Per input topic name, the only top-level fields the handler and `event_id` read;
    # the runtime skips the others instead of decoding them and they hold the model's
    # defaults. Every field without a default must be listed. Topics not named here
    # are decoded whole.
    reads: dict[str, frozenset[str]] = field(default_factory=dict)
