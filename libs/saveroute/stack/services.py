"""The registry of saveroute's long-running services: one line per service.

`saveroute up`, the pipeline benchmark, the end-to-end tests, the Dockerfile's entrypoint
check and the compose/Kubernetes manifest test all read this list, so adding a service
is one line here (plus its module under `services/`). A service whose module is not
importable yet is skipped by `available()`, so a line may land before its code.
"""

import importlib.util
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # short name: log file, metrics label, compose service, k8s Deployment
    module: str  # run as `python -m <module>`
    script: str  # the console script in [project.scripts]
    http: bool = False  # also serves an HTTP API (gets SAVEROUTE_HTTP_PORT)
    pipeline: bool = False  # a stage between a signal and its decision
    args: tuple[str, ...] = ()  # extra command-line arguments
    port: int = 9108  # in a container: where /metrics and /healthz answer (the API port for http services)

    @property
    def command(self) -> list[str]:
        return [self.script, *self.args]


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("enrichment", "services.enrichment", "saveroute-enrichment", pipeline=True),
    ServiceSpec("classification", "services.classification", "saveroute-classification", pipeline=True),
    ServiceSpec("routing", "services.routing", "saveroute-routing", pipeline=True),
    ServiceSpec("metrics", "services.metrics", "saveroute-metrics"),
    ServiceSpec("alerts", "services.alerts", "saveroute-alerts"),
    ServiceSpec("approvals", "services.approvals", "saveroute-approvals", http=True, port=8088),
    ServiceSpec("deadlines", "services.deadlines", "saveroute-deadlines"),
    ServiceSpec("gateway", "services.gateway", "saveroute-gateway", http=True, port=8080),
)


def available(services: tuple[ServiceSpec, ...] = SERVICES) -> list[ServiceSpec]:
    """The registered services whose code exists in this installation."""
    return [spec for spec in services if _importable(spec.module)]


def by_name(name: str) -> ServiceSpec:
    for spec in SERVICES:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; registered: {[s.name for s in SERVICES]}")


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(f"{module}.__main__") is not None
    except ModuleNotFoundError:
        return False
