"""The embedded stack in one object: a local broker, redis-server, the topics, every service.

`saveroute up`, `saveroute demo` and the pipeline benchmark start it; it writes
`.run/stack.json` so `saveroute replay` and `saveroute tail` can find it, and it stops
the services before the servers they depend on, so nothing is left running.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from saveroute.context import ContextStore
from saveroute.runtime import EventProducer, RuntimeSettings
from saveroute.runtime.idempotency import make_redis
from saveroute.stack import stackfile
from saveroute.stack.connect import client_settings
from saveroute.stack.fleet import Fleet
from saveroute.stack.processes import LocalBroker, LocalRedis
from saveroute.stack.services import ServiceSpec, available
from saveroute.stack.topics import ensure_topics

DEFAULT_PARTITIONS = 3


@dataclass
class LocalStack:
    run_dir: Path = field(default_factory=stackfile.run_dir)
    partitions: int = DEFAULT_PARTITIONS
    specs: list[ServiceSpec] = field(default_factory=available)
    write_stack_file: bool = True

    def __post_init__(self) -> None:
        self.broker: LocalBroker | None = None
        self.redis: LocalRedis | None = None
        self.fleet: Fleet | None = None

    def start(self, timeout: float = 90.0) -> "LocalStack":
        try:
            self.broker = LocalBroker(log_dir=self.run_dir / "logs").start()
            self.redis = LocalRedis(log_dir=self.run_dir / "logs").start()
            ensure_topics(self.broker.bootstrap, self.partitions)
            self.fleet = Fleet(self.broker.bootstrap, self.redis.url, self.run_dir, self.specs)
            self.fleet.start(timeout)
        except BaseException:
            self.stop()
            raise
        if self.write_stack_file:
            stackfile.write(self.info())
        return self

    @property
    def bootstrap(self) -> str:
        assert self.broker is not None, "stack not started"
        return self.broker.bootstrap

    @property
    def redis_url(self) -> str:
        assert self.redis is not None, "stack not started"
        return self.redis.url

    def info(self) -> stackfile.StackInfo:
        assert self.fleet is not None, "stack not started"
        metrics = {spec.name: self.fleet.metrics_url(spec.name) for spec in self.fleet.specs}
        return stackfile.StackInfo(self.bootstrap, self.redis_url, metrics, self.fleet.pids(), os.getpid())

    def settings(self) -> RuntimeSettings:
        """Client settings for talking to this stack (the CLI's producers and readers)."""
        return client_settings(self.bootstrap, self.redis_url)

    def producer(self) -> EventProducer:
        return EventProducer(self.settings())

    def context_store(self) -> ContextStore:
        return ContextStore(make_redis(self.redis_url))

    def stop(self) -> None:
        """Services first (they flush and commit), then Redis and the broker."""
        if self.fleet is not None:
            self.fleet.stop()
        if self.redis is not None:
            self.redis.stop()
        if self.broker is not None:
            self.broker.stop()
        if self.write_stack_file:
            stackfile.remove(self.run_dir)

    def __enter__(self) -> "LocalStack":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
