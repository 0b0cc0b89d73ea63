"""Read saveroute topics from the beginning (or the end) without joining a consumer group.

`saveroute tail`, `saveroute replay`, the demo and the end-to-end tests watch topics this
way: partitions are assigned directly, nothing is committed, so watching never takes
work away from a service and never moves anyone's offsets.
"""

import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaError, TopicPartition
from pydantic import BaseModel

from saveroute.runtime import RuntimeSettings
from saveroute.runtime.codec import codec_from_settings
from saveroute.serde import DecodeError
from saveroute.topics import Topic


@dataclass(frozen=True)
class Record:
    topic: Topic
    partition: int
    offset: int
    key: bytes | None
    timestamp_ms: int
    value: BaseModel | None  # None when the bytes could not be decoded
    error: str | None = None  # why it could not be decoded
    received_at: float = 0.0  # time.time() when this reader got it


class TopicReader:
    def __init__(self, settings: RuntimeSettings, topics: Sequence[Topic], from_beginning: bool = True) -> None:
        self.topics = {t.name: t for t in topics}
        self.codec = codec_from_settings(settings)
        conf = {
            **settings.consumer_config(f"saveroute-reader-{uuid.uuid4().hex}"),
            "enable.auto.commit": False,
            "isolation.level": "read_uncommitted",
        }
        self.consumer = Consumer(conf)
        start = OFFSET_BEGINNING if from_beginning else OFFSET_END
        self.consumer.assign(self._partitions(start))

    def _partitions(self, start: int, timeout: float = 30.0) -> list[TopicPartition]:
        deadline = time.monotonic() + timeout
        while True:
            metadata = self.consumer.list_topics(timeout=5.0)
            found: list[TopicPartition] = []
            missing = []
            for name in self.topics:
                topic = metadata.topics.get(name)
                if topic is None or topic.error is not None or not topic.partitions:
                    missing.append(name)
                    continue
                found.extend(TopicPartition(name, p, start) for p in sorted(topic.partitions))
            if not missing:
                return found
            if time.monotonic() > deadline:
                raise RuntimeError(f"topics not found on the broker: {', '.join(missing)}")
            time.sleep(0.5)

    def poll(self, timeout: float = 0.5, max_records: int = 1000) -> list[Record]:
        records = []
        for msg in self.consumer.consume(max_records, timeout):
            if msg.error() is not None:
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise RuntimeError(f"reading {msg.topic()}: {msg.error()}")
            records.append(self._record(msg))
        return records

    def _record(self, msg) -> Record:  # type: ignore[no-untyped-def]
        topic = self.topics[msg.topic()]
        _kind, ts = msg.timestamp()
        value, error = None, None
        try:
            value = self.codec.decode(topic, msg.value()) if msg.value() is not None else None
            if value is None:
                error = "empty value"
        except DecodeError as exc:
            error = str(exc)
        return Record(topic, msg.partition(), msg.offset(), msg.key(), int(ts or 0), value, error, time.time())

    def follow(self, idle_timeout: float | None = None) -> Iterator[Record]:
        """Every record as it arrives; stops after `idle_timeout` seconds without one (None: never)."""
        last = time.monotonic()
        while True:
            batch = self.poll()
            if batch:
                last = time.monotonic()
                yield from batch
            elif idle_timeout is not None and time.monotonic() - last > idle_timeout:
                return

    def close(self) -> None:
        self.consumer.close()

    def __enter__(self) -> "TopicReader":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
