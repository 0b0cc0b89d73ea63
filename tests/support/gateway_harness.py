"""A gateway wired to a real broker and Redis for integration tests, plus a topic reader.

`TopicTail` notes where the canonical topics end before a test acts and later reads
exactly what was appended since (explicit assignment, no group join), so a test can
assert both what landed on Kafka and what did not. It reads every partition to its end
(partition EOF) rather than trusting high watermarks: Tansu reports a partition's high
watermark as its last batch's base offset + 1, which falls short whenever one produce
batch carries several records (as one webhook delivery's records do).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import redis
from confluent_kafka import Consumer, KafkaError, TopicPartition
from fastapi.testclient import TestClient

from saveroute import topics
from saveroute.runtime.codec import codec_from_settings
from services.gateway.app import create_app
from services.gateway.main import build_ingestor
from services.gateway.settings import GatewaySettings

CANONICAL = (topics.SIGNALS, topics.ACCOUNT_CONTEXT, topics.SUPPORT_TICKETS, topics.OUTCOMES)
SECRETS = {"stripe_webhook_secret": "whsec_gateway_test", "zendesk_webhook_secret": "zd_test_secret",
           "hubspot_client_secret": "hs-client-secret", "api_token": "api-test-token"}


@dataclass
class Landed:
    topic: str
    key: str
    value: Any
    event_id: str | None


class TopicTail:
    def __init__(self, bootstrap: str, settings: GatewaySettings) -> None:
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"tail-{uuid.uuid4().hex}",
                                  "enable.auto.commit": False, "enable.partition.eof": True})
        self.codec = codec_from_settings(settings)
        self.next: dict[tuple[str, int], int] = {}  # per partition: the first offset not yet read
        for topic in CANONICAL:
            meta = self.consumer.list_topics(topic.name, timeout=10).topics[topic.name]
            for partition in meta.partitions:
                _, high = self.consumer.get_watermark_offsets(TopicPartition(topic.name, partition), timeout=10)
                self.next[(topic.name, partition)] = high  # may fall short: the first read skips the rest
        self.appended()

    def appended(self) -> list[Landed]:
        """Every record appended to the canonical topics since the last call (or since this tail was made)."""
        self.consumer.assign([TopicPartition(t, p, offset) for (t, p), offset in self.next.items()])
        reading, out, misses = set(self.next), [], 0
        while reading and misses < 100:
            msg = self.consumer.poll(0.2)
            if msg is None:
                misses += 1
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    reading.discard((msg.topic(), msg.partition()))
                continue
            self.next[(msg.topic(), msg.partition())] = msg.offset() + 1
            topic = topics.by_name(msg.topic())
            event_id = dict(msg.headers() or []).get("saveroute-event-id")
            out.append(Landed(msg.topic(), msg.key().decode(), self.codec.decode(topic, msg.value()),
                              event_id.decode() if event_id else None))
        return out

    def close(self) -> None:
        self.consumer.close()


@contextmanager
def gateway(bootstrap: str, redis_url: str, with_tail: bool = True, redis_client: redis.Redis | None = None,
            **overrides: Any) -> Iterator[tuple[TestClient, GatewaySettings, TopicTail | None]]:
    """A gateway app on the real broker and Redis with isolated Redis keys; yields (client, settings, tail)."""
    values = {"kafka_bootstrap_servers": bootstrap, "redis_url": redis_url,
              "gateway_key_prefix": f"test:{uuid.uuid4().hex}:", "delivery_wait_s": 15.0,
              "idempotency_ttl_s": 3600,
              "default_owner_id": "usr_default", "default_owner_name": "Default Owner",
              **SECRETS, **overrides}
    settings = GatewaySettings(**values)
    client = redis_client or redis.Redis.from_url(redis_url)
    ingestor = build_ingestor(settings, client)
    publisher = ingestor.publisher
    app = create_app(settings, ingestor)
    tail = TopicTail(bootstrap, settings) if with_tail else None
    try:
        with TestClient(app) as http:
            yield http, settings, tail
    finally:
        if tail is not None:
            tail.close()
        publisher.producer.producer.flush(5)
        publisher.producer = None  # type: ignore[assignment]  # last reference: the client stops now
        client.close()
