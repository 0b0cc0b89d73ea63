"""Prometheus config and rules pass promtool, their unit tests pass, and they name real series."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from saveroute.measurement.exported import known_series, recorded_names, runtime_sample_names, series_in
from saveroute.measurement.scrape_config import RULE_FILES, RULES_DIR as PROM
from saveroute.stack.services import SERVICES

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
pytestmark = pytest.mark.skipif(not Path(PROMTOOL).exists(), reason="promtool not installed (make system-deps)")


def promtool(*args: str, cwd: Path = PROM) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus.local.yml"])
def test_promtool_accepts_the_config(config):
    result = promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_rules():
    result = promtool("check", "rules", "recording.rules.yml", "alerts.rules.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 15 rules found" in result.stdout + result.stderr


@pytest.mark.parametrize("test_file", ["pipeline_alerts_test.yml", "retention_rules_test.yml"])
def test_alerts_fire_when_they_should_and_stay_quiet_otherwise(test_file):
    result = promtool("test", "rules", test_file, cwd=PROM / "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rule_tests_can_fail(tmp_path):
    # A dead-letter alert that waits for six letters must break the unit test that expects one.
    copy = tmp_path / "prometheus"
    shutil.copytree(PROM, copy)
    alerts = copy / "alerts.rules.yml"
    text = alerts.read_text()
    assert "increase(saveroute_dead_lettered_total[10m])) > 0" in text
    alerts.write_text(text.replace("increase(saveroute_dead_lettered_total[10m])) > 0",
                                   "increase(saveroute_dead_lettered_total[10m])) > 5"))
    result = promtool("test", "rules", "pipeline_alerts_test.yml", cwd=copy / "tests")
    assert result.returncode != 0
    assert "SaverouteDeadLetters" in result.stdout + result.stderr


def _rule_exprs() -> list[str]:
    exprs = []
    for name in RULE_FILES:
        for group in yaml.safe_load((PROM / name).read_text())["groups"]:
            exprs += [rule["expr"] for rule in group["rules"]]
    return exprs


def test_every_rule_names_a_series_the_code_exports_or_a_rule_records():
    used = series_in(_rule_exprs())
    assert used, "no series found: the extraction is broken"
    assert used - known_series() == set()


def test_the_runtime_metric_names_are_read_from_the_runtime():
    names = runtime_sample_names()
    assert {"saveroute_dead_lettered_total", "saveroute_consumer_lag", "saveroute_processing_seconds_bucket"} <= names


def test_recorded_names_follow_level_metric_operations():
    for name in recorded_names():
        assert name.count(":") in (1, 2) and "saveroute_" in name, name


def test_every_registered_service_is_scraped():
    jobs = {job["job_name"] for job in yaml.safe_load((PROM / "prometheus.yml").read_text())["scrape_configs"]}
    assert {spec.name for spec in SERVICES} | {"metrics"} <= jobs


def test_series_extraction_ignores_label_values_and_functions():
    expr = 'sum by (topic) (rate(saveroute_messages_consumed_total{topic="saveroute.signals.v1"}[5m])) / cause:saveroute_save_rate:ratio_7d'
    assert series_in([expr]) == {"saveroute_messages_consumed_total", "cause:saveroute_save_rate:ratio_7d"}
