"""Every registered service, started as its own process against one broker and one Redis.

Used by `saveroute up`/`demo`, the pipeline benchmark and the end-to-end tests. Each
service gets its own metrics port (and HTTP port when it serves an API), its log in
`<run_dir>/logs/<service>.log`, and is healthy when its `/healthz` answers 200.

A namespace (tests, benchmarks) gives every service its own consumer group, idempotency
keys and context keys, so several fleets can share one broker and one Redis without
seeing each other's progress.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from saveroute.stack.processes import free_port
from saveroute.stack.services import ServiceSpec, available
from saveroute.stack.supervisor import Supervisor, python_module_argv


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

    def start(self, timeout: float = 90.0) -> "Fleet":
        for spec in self.specs:
            self.metrics_ports.setdefault(spec.name, free_port())
            if spec.http:
                self.http_ports.setdefault(spec.name, free_port())
            self.supervisor.start(spec.name, [*python_module_argv(spec.module), *spec.args], self.env_for(spec),
                                  self.health_url(spec.name))
        self.supervisor.wait_healthy(timeout)
        return self

    def kill(self, name: str, signum: int) -> None:
        self.supervisor.signal(name, signum)

    def restart(self, name: str, timeout: float = 90.0) -> None:
        self.supervisor.restart(name)
        self.supervisor.wait_healthy(timeout, [name])

    def stop(self, deadline: float = 20.0) -> dict[str, int | None]:
        return self.supervisor.stop(deadline)

    def pids(self) -> dict[str, int]:
        return {name: child.pid for name, child in self.supervisor.children.items() if child.pid}

    def __enter__(self) -> "Fleet":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
