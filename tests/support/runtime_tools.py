"""Helpers for tests that run stages against the real broker and Redis.

Reading a topic back (every record, from the beginning, without joining a group),
counting what a topic holds, publishing Signals, and polling until a condition holds.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from saveroute.models import Signal, SignalKind, SignalSource
from saveroute.runtime import EventProducer, RuntimeSettings
from saveroute.runtime.passthrough import signal_topic


def wait_until(condition: Callable[[], object], timeout: float = 60.0, interval: float = 0.1,
               message: str = "condition") -> object:
    """Poll `condition` until it is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def make_signal(i: int, prefix: str = "sig", accounts: int = 7) -> Signal:
    return Signal(
        signal_id=f"{prefix}-{i}",
        source=SignalSource.billing,
        kind=SignalKind.cancellation_request,
        account_id=f"acct-{i % accounts}",
        occurred_at=datetime(2024, 5, 1, tzinfo=timezone.utc),
        reason_text=f"signal number {i}",
    )


def publish(settings: RuntimeSettings, topic_name: str, signals: list[Signal]) -> None:
    """Publish Signals to `topic_name`, keyed by account, each with its event id; wait for acks."""
    with EventProducer(settings) as producer:
        for s in signals:
            producer.publish(signal_topic(topic_name), s.account_id, s, event_id=s.signal_id)


END_MARKER_KEY = b"__saveroute_test_end__"


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]


class KafkaTools:
    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.admin = AdminClient({"bootstrap.servers": bootstrap})

    def create_topics(self, names: list[str], partitions: int = 3) -> None:
        futures = self.admin.create_topics([NewTopic(n, partitions, 1) for n in names])
        for future in futures.values():
            future.result(30)
        wait_until(lambda: all(n in self.admin.list_topics(timeout=5).topics for n in names),
                   timeout=30, message=f"topics {names}")

    def partitions(self, topic: str) -> list[int]:
        return sorted(self.admin.list_topics(topic, timeout=10).topics[topic].partitions)

    def _consumer(self) -> Consumer:
        return Consumer({"bootstrap.servers": self.bootstrap, "group.id": f"reader-{uuid.uuid4().hex}",
                         "enable.auto.commit": False, "fetch.wait.max.ms": 10})

    def read_until(self, topic: str, done: Callable[[list[Record]], bool], timeout: float = 60.0,
                   message: str = "records", markers: bool = False) -> list[Record]:
        """Read from the beginning until `done(records so far)` holds; end markers are left out
        unless `markers`."""
        consumer = self._consumer()
        try:
            consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in self.partitions(topic)])
            out: list[Record] = []
            deadline = time.monotonic() + timeout
            while not done(out if markers else [r for r in out if r.key != END_MARKER_KEY]):
                if time.monotonic() > deadline:
                    raise AssertionError(f"timed out after {timeout}s reading {message} from {topic} "
                                         f"({len(out)} records read)")
                for msg in consumer.consume(1000, 0.2):
                    if msg.error() is None:
                        out.append(Record(msg.topic(), msg.partition(), msg.offset(), msg.key(), msg.value(),
                                          dict(msg.headers() or [])))
            return [r for r in out if r.key != END_MARKER_KEY]
        finally:
            consumer.close()

    def read_all(self, topic: str, timeout: float = 60.0) -> list[Record]:
        """Every record the topic holds, exactly: writes an end marker to each partition and
        reads up to them (watermarks are not usable: Tansu reports the last batch's base
        offset). Only for topics no stage consumes any more."""
        token = uuid.uuid4().hex.encode()
        producer = Producer({"bootstrap.servers": self.bootstrap})
        partitions = self.partitions(topic)
        for p in partitions:
            producer.produce(topic, key=END_MARKER_KEY, value=token, partition=p)
        assert producer.flush(30) == 0, "end markers not delivered"

        def reached_all(records: list[Record]) -> bool:
            return {r.partition for r in records if r.key == END_MARKER_KEY and r.value == token} == set(partitions)

        records = self.read_until(topic, reached_all, timeout, "everything up to the end markers", markers=True)
        return [r for r in records if r.key != END_MARKER_KEY]

    def committed(self, group_id: str, topic: str) -> dict[int, int]:
        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": group_id,
                             "enable.auto.commit": False})
        try:
            tps = consumer.committed([TopicPartition(topic, p) for p in self.partitions(topic)], timeout=10)
            return {tp.partition: tp.offset for tp in tps}
        finally:
            consumer.close()
