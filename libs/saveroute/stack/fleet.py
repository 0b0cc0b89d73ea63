"""Every registered service, started as its own process against one broker and one Redis.

Used by `saveroute up`/`demo`, the pipeline benchmark and the end-to-end tests. Each
service gets its own metrics port (and HTTP port when it serves an API), its log in
`<run_dir>/logs/<service>.log`, and is healthy when its `/healthz` answers 200.

A namespace (tests, benchmarks) gives every service its own consumer group, idempotency
keys and context keys, so several fleets can share one broker and one Redis without
seeing each other's progress.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from saveroute.stack.processes import free_port
from saveroute.stack.services import ServiceSpec, available
from saveroute.stack.supervisor import ServiceFailed, Supervisor, python_module_argv

PORT_TAKEN = "Address already in use"


@dataclass
class Fleet:
    bootstrap: str
    redis_url: str
    run_dir: Path
    specs: Sequence[ServiceSpec] = field(default_factory=available)
    namespace: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)
    http_ports: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.supervisor = Supervisor(self.run_dir / "logs")

    def env_for(self, spec: ServiceSpec) -> dict[str, str]:
        env = {
            "SAVEROUTE_PROFILE": "local",
            "SAVEROUTE_SERVICE_NAME": spec.name,
            "SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "SAVEROUTE_REDIS_URL": self.redis_url,
            "SAVEROUTE_METRICS_HOST": "127.0.0.1",
            "SAVEROUTE_METRICS_PORT": str(self.metrics_ports[spec.name]),
            "PYTHONUNBUFFERED": "1",
        }
        if spec.http:
            env["SAVEROUTE_HTTP_PORT"] = str(self.http_ports[spec.name])
        if self.namespace:
            env["SAVEROUTE_GROUP_ID"] = f"{self.namespace}-{spec.name}"
            env["SAVEROUTE_IDEMPOTENCY_KEY_PREFIX"] = f"{self.namespace}:done:"
            env["SAVEROUTE_CONTEXT_KEY_PREFIX"] = f"{self.namespace}:ctx:"
        return {**env, **self.extra_env}

    def _ops_port(self, name: str) -> int:
        # An HTTP service serves /metrics and /healthz on its API port; a stage on its metrics port.
        return self.http_ports.get(name) or self.metrics_ports[name]

    def metrics_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._ops_port(name)}/metrics"

    def health_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._ops_port(name)}/healthz"

    def start(self, timeout: float = 90.0, attempts: int = 3) -> "Fleet":
        for spec in self.specs:
            self._assign_ports(spec)
            self.supervisor.start(spec.name, [*python_module_argv(spec.module), *spec.args], self.env_for(spec),
                                  self.health_url(spec.name))
        for attempt in range(1, attempts + 1):
            try:
                self.supervisor.wait_healthy(timeout)
                self._confirm_running()
                return self
            except ServiceFailed:
                # A free port can be taken by someone else between choosing it and binding
                # it: such a service exits at once; start it again on fresh ports.
                lost = [c for c in self.supervisor.exited() if PORT_TAKEN in c.log_tail(5)]
                if not lost or attempt == attempts:
                    raise
                for child in lost:
                    spec = next(s for s in self.specs if s.name == child.name)
                    self._assign_ports(spec, fresh=True)
                    child.env, child.health_url = self.env_for(spec), self.health_url(spec.name)
                    self.supervisor.restart(child.name)
        return self

    def _assign_ports(self, spec: ServiceSpec, fresh: bool = False) -> None:
        if fresh or spec.name not in self.metrics_ports:
            self.metrics_ports[spec.name] = free_port()
        if spec.http and (fresh or spec.name not in self.http_ports):
            self.http_ports[spec.name] = free_port()

    def _confirm_running(self, grace: float = 0.5) -> None:
        """A health answer could come from another process on a reused port: make sure ours lives."""
        time.sleep(grace)
        gone = self.supervisor.exited()
        if gone:
            raise ServiceFailed("exited after starting: " + "; ".join(
                f"{c.name} (status {c.process.returncode}): {c.log_tail(3)}" for c in gone))  # type: ignore[union-attr]

    def kill(self, name: str, signum: int) -> None:
        self.supervisor.signal(name, signum)

    def restart(self, name: str, timeout: float = 90.0) -> None:
        self.supervisor.restart(name)
        self.supervisor.wait_healthy(timeout, [name])
        self._confirm_running()

    def stop(self, deadline: float = 20.0) -> dict[str, int | None]:
        return self.supervisor.stop(deadline)

    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.supervisor.children.items() if child.pid}

    def __enter__(self) -> "Fleet":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
