"""Runtime configuration: one settings object, read from the environment, checked at start.

Every service, the CLI and the tests build their Kafka and Redis clients from
`RuntimeSettings`, so there is one place that knows the variables, their defaults and
what a valid combination is. Two profiles:

- `local` (the embedded default): a broker on 127.0.0.1, short session and fetch waits
  so a laptop (or a 2-core CI box) sees decisions in milliseconds.
- `production`: nothing is assumed; bootstrap servers and Redis must be given, SASL and
  TLS options are available, and timeouts suit a real cluster.

Variables use the `SAVEROUTE_` prefix; the usual `KAFKA_BOOTSTRAP_SERVERS`, `REDIS_URL`
and `SCHEMA_REGISTRY_URL` are accepted too. An optional `.env` file in the working
directory is read. `load_settings()` turns a validation failure into `ConfigError`,
whose message names each offending variable and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "SAVEROUTE_"

Profile = Literal["local", "production"]
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]

# Values a profile supplies when the environment leaves a field unset.
PROFILE_DEFAULTS: dict[str, dict[str, Any]] = {
    "local": {
        "kafka_bootstrap_servers": "127.0.0.1:9092",
        "redis_url": "redis://127.0.0.1:6379/0",
        "session_timeout_ms": 6000,  # Tansu's group join waits about half of this
        # Measured with `make bench-pipeline` on 2 cores. The local broker (Tansu) answers a
        # fetch that finds nothing only when its wait is over, so every hop adds up to this
        # wait: at an offered 500 signals/s p99 end to end was ~95-115 ms with 20 ms, ~150-160
        # with 50 and ~190-200 with 100. A waiting fetch also costs the broker CPU (an idle
        # consumer ~5 % of a core at 20 ms, ~2 % at 100 ms), ~0.4 ms per signal more at
        # 500/s with 20 ms than with 100: affordable now that the stages are cheap (while
        # they cost ~1.6 ms per signal, 100 ms was the better choice). Each stage flushes
        # its batch, so linger only delays producers that do not flush.
        "fetch_wait_max_ms": 20,
        "linger_ms": 20,
        "delivery_timeout_ms": 30000,
        "compression_type": "none",
        "metrics_host": "127.0.0.1",
    },
    "production": {
        "session_timeout_ms": 45000,
        "fetch_wait_max_ms": 100,
        "linger_ms": 5,
        "delivery_timeout_ms": 120000,
        "compression_type": "lz4",
        "metrics_host": "0.0.0.0",
    },
}


class ConfigError(ValueError):
    """Configuration that cannot work; the message names each variable and why."""


# Fields that also answer to the usual unprefixed variable names.
_STANDARD_NAMES = {
    "kafka_bootstrap_servers": ("KAFKA_BOOTSTRAP_SERVERS",),
    "redis_url": ("REDIS_URL",),
    "schema_registry_url": ("SCHEMA_REGISTRY_URL",),
}


def env_names(field: str) -> tuple[str, ...]:
    """The environment variables that set a field: the prefixed one first."""
    return (f"{ENV_PREFIX}{field.upper()}", *_STANDARD_NAMES.get(field, ()))


def _alias(field: str) -> AliasChoices:
    return AliasChoices(*env_names(field), field)


def _env(field: str) -> str:
    """The variable(s) that set a field, as an operator would type them."""
    return " or ".join(env_names(field))


class RuntimeSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        validate_default=True,
    )

    profile: Profile = "local"
    service_name: str = "saveroute"

    # --- Kafka ---------------------------------------------------------------
    kafka_bootstrap_servers: str | None = Field(
        None, validation_alias=_alias("kafka_bootstrap_servers")
    )
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: SaslMechanism | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_ca_location: Path | None = None
    # Extra librdkafka properties (JSON object), applied last to both clients.
    kafka_overrides: dict[str, str | int | float | bool] = Field(default_factory=dict)
    group_id: str | None = None  # default: "saveroute-<stage name>"
    assignment_strategy: Literal["cooperative-sticky", "range", "roundrobin"] = "cooperative-sticky"
    session_timeout_ms: int | None = Field(None, ge=1000)
    fetch_wait_max_ms: int | None = Field(None, ge=0)
    linger_ms: int | None = Field(None, ge=0)
    delivery_timeout_ms: int | None = Field(None, ge=1000)
    compression_type: Literal["none", "gzip", "snappy", "lz4", "zstd"] | None = None

    # --- Schema Registry (optional: registry-free single-object framing without it) ----
    schema_registry_url: str | None = Field(
        None, validation_alias=_alias("schema_registry_url")
    )
    schema_registry_basic_auth: SecretStr | None = None  # "user:password"

    # --- Redis ---------------------------------------------------------------
    redis_url: str | None = Field(None, validation_alias=_alias("redis_url"))
    idempotency_key_prefix: str = "saveroute:done:"
    idempotency_ttl_s: int = Field(30 * 24 * 3600, gt=0)

    # --- The consume loop ------------------------------------------------------
    batch_size: int = Field(1000, gt=0, le=100_000)
    poll_timeout_s: float = Field(0.02, gt=0, le=10)  # wait for a first record (returns as soon as one arrives)
    # Finished offsets are committed at most this often (and whenever the stage is idle,
    # loses partitions or stops): each commit is a broker round trip per batch otherwise.
    commit_interval_s: float = Field(0.1, ge=0, le=60)
    # Net allocations between Python's young-generation collections (Python's default is
    # 700); 0 leaves the collector as Python sets it. See saveroute.runtime.loop.tune_gc.
    gc_threshold: int = Field(50_000, ge=0)
    retry_initial_s: float = Field(0.05, gt=0)
    retry_max_s: float = Field(5.0, gt=0)
    delivery_wait_s: float = Field(10.0, gt=0)  # one flush before a batch counts as stuck
    shutdown_timeout_s: float = Field(20.0, gt=0)

    # --- Operations ------------------------------------------------------------
    metrics_port: int = Field(9108, ge=0, le=65535)  # 0: pick a free port
    metrics_host: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @model_validator(mode="after")
    def _apply_profile_and_check(self) -> RuntimeSettings:
        for name, value in PROFILE_DEFAULTS[self.profile].items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value)
        problems: list[str] = []
        if self.profile == "production":
            if not self.kafka_bootstrap_servers:
                problems.append(_env("kafka_bootstrap_servers")
                                + ": required in the production profile")
            if not self.redis_url:
                problems.append(_env("redis_url") + ": required in the production profile")
        if self.kafka_security_protocol.startswith("SASL_"):
            if self.kafka_sasl_mechanism is None:
                problems.append(f"{_env('kafka_sasl_mechanism')}: required when "
                                f"{_env('kafka_security_protocol')} is {self.kafka_security_protocol}")
            if not self.kafka_sasl_username or self.kafka_sasl_password is None:
                problems.append(f"{_env('kafka_sasl_username')}/{_env('kafka_sasl_password')}: "
                                f"credentials are required for SASL ({self.kafka_sasl_mechanism or 'no mechanism'})")
        elif self.kafka_sasl_mechanism is not None:
            problems.append(f"{_env('kafka_sasl_mechanism')}: set, but {_env('kafka_security_protocol')} is "
                            f"{self.kafka_security_protocol}; use SASL_SSL or SASL_PLAINTEXT")
        if self.kafka_ssl_ca_location is not None and not self.kafka_ssl_ca_location.is_file():
            problems.append(f"{_env('kafka_ssl_ca_location')}: no such file {str(self.kafka_ssl_ca_location)!r}")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            problems.append(_env("redis_url") + ": must start with redis://, rediss:// or unix://")
        if self.retry_max_s < self.retry_initial_s:
            problems.append(f"{_env('retry_max_s')}: must be >= {_env('retry_initial_s')}")
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    # --- client configuration ------------------------------------------------
    def _common_kafka(self) -> dict[str, Any]:
        conf: dict[str, Any] = {
            "bootstrap.servers": self.kafka_bootstrap_servers,
            "security.protocol": self.kafka_security_protocol,
            "client.id": self.service_name,
        }
        if self.kafka_sasl_mechanism:
            conf["sasl.mechanism"] = self.kafka_sasl_mechanism
            conf["sasl.username"] = self.kafka_sasl_username
            conf["sasl.password"] = self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
        if self.kafka_ssl_ca_location:
            conf["ssl.ca.location"] = str(self.kafka_ssl_ca_location)
        return conf

    def consumer_config(self, group_id: str) -> dict[str, Any]:
        """A confluent-kafka consumer that commits only what the runtime says is done."""
        session = int(self.session_timeout_ms or 6000)
        conf = {
            **self._common_kafka(),
            "group.id": group_id,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "partition.assignment.strategy": self.assignment_strategy,
            "session.timeout.ms": session,
            "heartbeat.interval.ms": max(100, session // 3),
            "fetch.wait.max.ms": self.fetch_wait_max_ms,
            "isolation.level": "read_committed",
            "enable.partition.eof": False,
        }
        return {**conf, **self.kafka_overrides}

    def producer_config(self) -> dict[str, Any]:
        """An idempotent producer: acks from every in-sync replica, no reordering on retry."""
        conf = {
            **self._common_kafka(),
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": self.linger_ms,
            "compression.type": self.compression_type,
            "message.timeout.ms": self.delivery_timeout_ms,
            "queue.buffering.max.messages": 100_000,
        }
        return {**conf, **self.kafka_overrides}

    def admin_config(self) -> dict[str, Any]:
        return {**self._common_kafka(), **self.kafka_overrides}

    def group_id_for(self, stage_name: str) -> str:
        return self.group_id or f"saveroute-{stage_name}"

    def registry_conf(self) -> dict[str, str]:
        if self.schema_registry_basic_auth is None:
            return {}
        return {"basic.auth.user.info": self.schema_registry_basic_auth.get_secret_value()}


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: the environment variable and the reason."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = [str(part) for part in err["loc"]]
        if loc:
            field = loc[0].removeprefix(ENV_PREFIX.lower()).removeprefix(ENV_PREFIX).lower()
            where = _env(field)
            got = f" (got {err['input']!r:.60})" if "input" in err else ""
            lines.append(f"{where}: {err['msg']}{got}")
        else:  # a whole-object check: the message already names the variables
            lines.append(str(err["msg"]).removeprefix("Value error, "))
    return "invalid saveroute configuration:\n  " + "\n  ".join(lines)


def load_settings(**overrides: Any) -> RuntimeSettings:
    """Settings from the environment (and `.env`), or `ConfigError` saying what is wrong."""
    try:
        return RuntimeSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None
