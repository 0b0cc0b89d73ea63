"""RuntimeSettings: profiles, the standard variable names, client configs, clear errors."""

from __future__ import annotations

import pytest

from saveroute.runtime.config import ConfigError, RuntimeSettings, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os

    for name in list(os.environ):
        if name.startswith("SAVEROUTE_") or name in ("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "SCHEMA_REGISTRY_URL"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_local_profile_is_the_embedded_default() -> None:
    s = load_settings()
    assert s.profile == "local"
    assert s.kafka_bootstrap_servers == "127.0.0.1:9092"
    consumer = s.consumer_config("g")
    assert consumer["session.timeout.ms"] == 6000
    assert consumer["fetch.wait.max.ms"] == 20  # measured: see PROFILE_DEFAULTS
    assert (s.batch_size, s.poll_timeout_s) == (1000, 0.02)
    assert consumer["enable.auto.commit"] is False and consumer["auto.offset.reset"] == "earliest"
    assert consumer["partition.assignment.strategy"] == "cooperative-sticky"
    producer = s.producer_config()
    assert producer["enable.idempotence"] is True and producer["acks"] == "all"
    assert producer["linger.ms"] == 20


def test_standard_variable_names_and_prefixed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    monkeypatch.setenv("SCHEMA_REGISTRY_URL", "http://registry:8081")
    monkeypatch.setenv("SAVEROUTE_BATCH_SIZE", "250")
    s = load_settings()
    assert s.kafka_bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert s.redis_url == "redis://cache:6379/2"
    assert s.schema_registry_url == "http://registry:8081"
    assert s.batch_size == 250
    monkeypatch.setenv("SAVEROUTE_REDIS_URL", "redis://other:6379/0")
    assert load_settings().redis_url == "redis://other:6379/0"


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("SAVEROUTE_BATCH_SIZE=42\nREDIS_URL=redis://from-dotenv:6379/0\n")
    s = load_settings()
    assert (s.batch_size, s.redis_url) == (42, "redis://from-dotenv:6379/0")


def test_production_profile_with_sasl_tls(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    for k, v in {"SAVEROUTE_PROFILE": "production", "KAFKA_BOOTSTRAP_SERVERS": "b:9093",
                 "REDIS_URL": "rediss://r:6380/0", "SAVEROUTE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                 "SAVEROUTE_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "SAVEROUTE_KAFKA_SASL_USERNAME": "svc",
                 "SAVEROUTE_KAFKA_SASL_PASSWORD": "s3cret", "SAVEROUTE_KAFKA_SSL_CA_LOCATION": str(ca)}.items():
        monkeypatch.setenv(k, v)
    s = load_settings()
    conf = s.producer_config()
    assert conf["security.protocol"] == "SASL_SSL" and conf["sasl.mechanism"] == "SCRAM-SHA-512"
    assert conf["sasl.username"] == "svc" and conf["sasl.password"] == "s3cret"
    assert conf["ssl.ca.location"] == str(ca)
    assert s.consumer_config("g")["session.timeout.ms"] == 45000
    assert "s3cret" not in repr(s)  # secrets never printed


@pytest.mark.parametrize("env, names", [
    ({"SAVEROUTE_PROFILE": "production"}, ["KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "required in the production"]),
    ({"SAVEROUTE_BATCH_SIZE": "-5"}, ["SAVEROUTE_BATCH_SIZE", "greater than 0", "-5"]),
    ({"SAVEROUTE_KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "SAVEROUTE_KAFKA_SASL_MECHANISM": "PLAIN"},
     ["SAVEROUTE_KAFKA_SASL_USERNAME", "credentials are required"]),
    ({"SAVEROUTE_KAFKA_SASL_MECHANISM": "PLAIN"}, ["SAVEROUTE_KAFKA_SASL_MECHANISM", "PLAINTEXT"]),
    ({"SAVEROUTE_KAFKA_SSL_CA_LOCATION": "/nonexistent/ca.pem"}, ["SAVEROUTE_KAFKA_SSL_CA_LOCATION", "no such file"]),
    ({"REDIS_URL": "localhost:6379"}, ["REDIS_URL", "must start with redis://"]),
    ({"SAVEROUTE_PROFILE": "staging"}, ["SAVEROUTE_PROFILE", "local", "production"]),
    ({"SAVEROUTE_RETRY_INITIAL_S": "3", "SAVEROUTE_RETRY_MAX_S": "1"}, ["SAVEROUTE_RETRY_MAX_S"]),
])
def test_bad_configuration_names_the_variable_and_reason(monkeypatch: pytest.MonkeyPatch, env, names) -> None:  # type: ignore[no-untyped-def]
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as err:
        load_settings()
    for name in names:
        assert name in str(err.value)


def test_group_id_defaults_to_the_stage_name() -> None:
    assert RuntimeSettings().group_id_for("enrichment") == "saveroute-enrichment"
    assert RuntimeSettings(group_id="custom").group_id_for("enrichment") == "custom"


def test_overrides_apply_last() -> None:
    s = RuntimeSettings(kafka_overrides={"linger.ms": 20, "statistics.interval.ms": 1000})
    assert s.producer_config()["linger.ms"] == 20
    assert s.consumer_config("g")["statistics.interval.ms"] == 1000
