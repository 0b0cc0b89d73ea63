"""Client settings for commands that talk to a running stack (`replay`, `tail`, the demo).

Precedence: explicit options, then `.run/stack.json` (written by `saveroute up`), then the
environment (`SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS`, `REDIS_URL`, ...), then the profile's
defaults.
"""

import os

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from saveroute.runtime import RuntimeSettings
from saveroute.runtime.config import env_names, load_settings
from saveroute.stack import stackfile

_BOOTSTRAP_VARS = env_names("kafka_bootstrap_servers")
_REDIS_VARS = env_names("redis_url")


def client_settings(bootstrap: str | None = None, redis_url: str | None = None,
                    service_name: str = "saveroute-cli") -> RuntimeSettings:
    """Settings for a CLI client of the stack; `ConfigError` if they cannot work."""
    overrides: dict[str, str] = {"service_name": service_name}
    running = stackfile.read()
    if bootstrap is None and running is not None and not _any_set(_BOOTSTRAP_VARS):
        bootstrap = running.bootstrap
    if redis_url is None and running is not None and not _any_set(_REDIS_VARS):
        redis_url = running.redis_url
    if bootstrap is not None:
        overrides["kafka_bootstrap_servers"] = bootstrap
    if redis_url is not None:
        overrides["redis_url"] = redis_url
    return load_settings(**overrides)


def _any_set(names: tuple[str, ...]) -> bool:
    return any(os.environ.get(name) for name in names)


class StackNotFound(RuntimeError):
    """No broker answers where the settings point."""


def require_broker(settings: RuntimeSettings, timeout: float = 10.0) -> None:
    """Fail fast, with what to do, when no broker answers (instead of retrying for minutes)."""
    admin = AdminClient({**settings.admin_config(), "log_level": 0})
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException:
        raise StackNotFound(
            f"no Kafka broker answers at {settings.kafka_bootstrap_servers}: start the local stack with "
            "`saveroute up` (it writes .run/stack.json), or pass --bootstrap / set "
            "SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS"
        ) from None
