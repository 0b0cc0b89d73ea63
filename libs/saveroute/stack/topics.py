"""Creating saveroute's topics on a broker, idempotently.

`saveroute up`, the tests and operators all need the same topics with the same
settings (compaction where a topic holds the latest state per key). Creating a topic
that already exists is fine; any other failure is raised with the topic's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from saveroute.topics import ALL_TOPICS, Topic


def topic_config(topic: Topic) -> dict[str, str]:
    config = {"cleanup.policy": "compact"} if topic.compacted else {}
    return {**config, **topic.config}


def ensure_topics(
    bootstrap: str,
    partitions: int = 3,
    topics: Iterable[Topic] = ALL_TOPICS,
    replication_factor: int = 1,
    admin_config: dict[str, Any] | None = None,
    timeout: float = 30.0,
) -> list[str]:
    """Create each topic unless it exists; returns the names it created."""
    admin = AdminClient({"bootstrap.servers": bootstrap, **(admin_config or {})})
    existing = set(admin.list_topics(timeout=timeout).topics)
    wanted = [t for t in topics if t.name not in existing]
    if not wanted:
        return []
    futures = admin.create_topics(
        [NewTopic(t.name, num_partitions=partitions, replication_factor=replication_factor,
                  config=topic_config(t)) for t in wanted],
        operation_timeout=timeout, request_timeout=timeout,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result(timeout)
            created.append(name)
        except KafkaException as exc:
            err = exc.args[0]
            if isinstance(err, KafkaError) and err.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                continue
            raise RuntimeError(f"cannot create topic {name}: {err}") from exc
    return created
