"""End to end: the metrics service on a real broker and Redis, scraped by a real Prometheus.

The save rate PromQL returns what the published events imply, the recording rules agree,
`saveroute outcome` run twice counts once, `saveroute report` prints the same figures, and
a metrics service killed and restarted, then fed every event again, counts nothing twice.

The service reads its four topics from the earliest offset, and other tests publish
decisions and outcomes to the same topic names, so this module runs its own broker (a
real Kafka-protocol broker, as the shared fixture would start) to make the implied
figures exact. Redis is the session's, with this test's own key namespace.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from saveroute.cli.main import cli
from saveroute.measurement.sample_events import approval, decision, outcome, task
from saveroute.measurement.scrape_config import render_config
from saveroute.runtime import EventProducer
from saveroute.stack.connect import client_settings
from saveroute.stack.fleet import Fleet
from saveroute.stack.processes import LocalBroker, free_port
from saveroute.stack.services import by_name
from saveroute.stack.topics import ensure_topics
from saveroute.topics import APPROVAL_DECISIONS, APPROVAL_TASKS, DECISIONS, OUTCOMES
from support.runtime_tools import wait_until

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not Path(PROMETHEUS).exists(), reason="prometheus not installed (make system-deps)")]

DECIDED = 'outcome=~"saved|downgraded|paused|churned"'
SAVE_RATE = f'sum(saveroute_outcomes_total{{outcome="saved"}}) / sum(saveroute_outcomes_total{{{DECIDED}}})'

# Seven cases: commercial 3 saved + 1 churned (0.75); value 1 saved + 1 churned (0.5), plus
# one withdrawn value case that the save rate leaves out. Case 8 (service) is decided here and
# saved through `saveroute outcome`. Overall 5 / 7.
CASES = [(1, "commercial", "commercial_review", "saved"), (2, "commercial", "commercial_review", "saved"),
         (3, "commercial", "commercial_review", "saved"), (4, "commercial", "commercial_review", "churned"),
         (5, "value", "value_proof", "saved"), (6, "value", "value_proof", "churned"),
         (7, "value", "value_proof", "withdrawn")]


def events() -> list[tuple[object, object]]:
    published: list[tuple[object, object]] = []
    for n, cause, path, kind in CASES:
        published.append((DECISIONS, decision(n, cause=cause, path=path, segment="smb")))
        published.append((APPROVAL_TASKS, task(n, cause=cause, path=path, segment="smb")))
        # Owners answer after n hours: first responses 1h..7h, median 4h.
        published.append((APPROVAL_DECISIONS, approval(n, n, after=timedelta(hours=n))))
        retained = 12000.0 if kind == "saved" else 0.0
        published.append((OUTCOMES, outcome(n, n, kind=kind, retained_arr=retained)))
    published.append((DECISIONS, decision(8, cause="service", path="service_recovery", segment="smb")))
    return published


class Prometheus:
    """A real Prometheus server on a free port with its own temporary storage."""

    def __init__(self, workdir: Path, targets: dict[str, str]) -> None:
        self.port = free_port()
        config = workdir / "prometheus.yml"
        config.write_text(render_config(targets, scrape_interval="1s", evaluation_interval="1s"))
        self.log = (workdir / "prometheus.log").open("w")
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"], stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_until(lambda: self._ready(), 60, message="prometheus ready")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"prometheus exited with {self.process.returncode}")
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def query(self, expr: str) -> dict[tuple[tuple[str, str], ...], float]:
        body = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10).json()
        assert body["status"] == "success", body
        return {tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in body["data"]["result"]}

    def scalar(self, expr: str) -> float | None:
        result = self.query(expr)
        return next(iter(result.values())) if len(result) == 1 else None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = httpx.get(url, timeout=5).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def fresh_scrape(prom: Prometheus) -> None:
    """Wait until Prometheus has scraped the service after this moment."""
    now = time.time()
    wait_until(lambda: (prom.scalar("timestamp(up{job='metrics'})") or 0) > now + 1, 30, message="a scrape after now")


def consumed(url: str) -> float:
    return sum(v for (name, _), v in scrape(url).items() if name == "saveroute_messages_consumed_total")


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with LocalBroker(log_dir=tmp_path_factory.mktemp("measurement-broker")) as broker:
        ensure_topics(broker.bootstrap, partitions=3)
        yield broker.bootstrap


def run_cli(args: list[str], bootstrap: str, redis_url: str, namespace: str) -> str:
    env = {"SAVEROUTE_KAFKA_BOOTSTRAP_SERVERS": bootstrap, "SAVEROUTE_REDIS_URL": redis_url,
           "SAVEROUTE_IDEMPOTENCY_KEY_PREFIX": f"{namespace}:done:", "SAVEROUTE_REPORTING_CURRENCY": "USD"}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def stack(own_broker: str, redis_url: str, unique_prefix: str, tmp_path: Path) -> Iterator[tuple[Fleet, Prometheus]]:
    fleet = Fleet(own_broker, redis_url, tmp_path / "run", [by_name("metrics")], namespace=unique_prefix)
    fleet.start(timeout=120)
    prometheus = None
    try:
        prometheus = Prometheus(tmp_path, {"metrics": f"127.0.0.1:{fleet.metrics_ports['metrics']}"})
        yield fleet, prometheus
    finally:
        if prometheus is not None:
            prometheus.stop()
        fleet.stop()


def publish(bootstrap: str, redis_url: str, batch: list[tuple[object, object]]) -> None:
    with EventProducer(client_settings(bootstrap, redis_url, service_name="measurement-test")) as producer:
        for topic, value in batch:
            producer.publish(topic, value.account_id if hasattr(value, "account_id") else value.case_id, value)
        producer.flush(30)


def test_prometheus_save_rate_matches_the_events_and_a_restart_counts_nothing_twice(
        stack: tuple[Fleet, Prometheus], own_broker: str, redis_url: str, unique_prefix: str) -> None:
    fleet, prom = stack
    metrics_url = fleet.metrics_url("metrics")
    # Prometheus sees every outcome series at zero before any event: windowed rules are exact.
    wait_until(lambda: prom.scalar(f"count(saveroute_outcomes_total{{{DECIDED}}} == 0)") == 4 * 10 * 4,
               60, message="pre-initialised outcome series scraped")

    published = events()
    publish(own_broker, redis_url, published)
    wait_until(lambda: prom.scalar(f"sum(saveroute_outcomes_total{{{DECIDED}}})") == 6, 90, message="six decided outcomes")
    wait_until(lambda: prom.scalar("sum(saveroute_save_requests_total)") == 8, 30, message="eight save requests")
    # A person records case 8's outcome; the retried command is the same outcome.
    command = ["outcome", "case-8", "--saved", "--retained-arr", "1000", "--currency", "USD", "--margin-after", "10"]
    first = run_cli(command, own_broker, redis_url, unique_prefix)
    assert "account acct-8" in first  # looked up from the metrics service's state
    assert run_cli(command, own_broker, redis_url, unique_prefix) == first
    wait_until(lambda: consumed(metrics_url) >= len(published) + 2, 90, message="both CLI outcomes consumed")
    fresh_scrape(prom)
    assert prom.scalar(f"sum(saveroute_outcomes_total{{{DECIDED}}})") == 7

    assert prom.scalar(SAVE_RATE) == pytest.approx(5 / 7)
    assert prom.scalar("sum(saveroute_saves_below_margin_floor_total)") == 1  # 10 % < the 15 % floor
    by_cause = prom.query(f'sum by (cause) (saveroute_outcomes_total{{outcome="saved"}}) '
                          f'/ sum by (cause) (saveroute_outcomes_total{{{DECIDED}}})')
    assert by_cause[(("cause", "commercial"),)] == pytest.approx(0.75)
    assert by_cause[(("cause", "value"),)] == pytest.approx(0.5)
    wait_until(lambda: prom.scalar('cause:saveroute_save_rate:ratio_7d{cause="commercial"}') is not None,
               30, message="the recording rule")
    wait_until(lambda: prom.scalar('cause:saveroute_save_rate:ratio_7d{cause="commercial"}') == pytest.approx(0.75)
               and prom.scalar('segment:saveroute_save_rate:ratio_7d{segment="smb"}') == pytest.approx(5 / 7),
               30, message="recorded save rates 0.75 (commercial) and 5/7 (smb)")
    assert prom.scalar("sum(saveroute_approval_decisions_total)") == 7
    assert prom.scalar('sum(saveroute_retained_arr_total{currency="USD"})') == pytest.approx(4 * 12000.0 + 1000.0)

    report = json.loads(run_cli(["report", "--prometheus", prom.url, "--format", "json"],
                                own_broker, redis_url, unique_prefix))
    rows = {row["cause"]: row for row in report}
    assert rows["commercial"]["requests"] == 4 and rows["commercial"]["save_rate"] == pytest.approx(0.75)
    assert rows["service"]["save_rate"] == 1.0 and rows["all"]["save_rate"] == pytest.approx(5 / 7)
    assert 3600 < rows["all"]["median_owner_response_s"] <= 14400
    # First responses 1h..7h: the median falls in the 4h bucket (3600 < p50 <= 14400).
    p50 = prom.scalar("histogram_quantile(0.5, sum by (le) (saveroute_owner_response_seconds_bucket))")
    assert p50 is not None and 3600 < p50 <= 14400

    before = {expr: prom.scalar(expr) for expr in (
        "sum(saveroute_outcomes_total)", "sum(saveroute_save_requests_total)",
        "sum(saveroute_approval_decisions_total)", "sum(saveroute_owner_response_seconds_count)",
        "sum(saveroute_owner_tasks_created_total)", "sum(saveroute_retained_arr_total)")}

    # Kill the service outright, restart it, and deliver every event a second time.
    fleet.kill("metrics", signal.SIGKILL)
    fleet.restart("metrics", timeout=120)
    publish(own_broker, redis_url, published)
    wait_until(lambda: consumed(metrics_url) >= len(published), 90, message="the republished events consumed")
    fresh_scrape(prom)
    after = {expr: prom.scalar(expr) for expr in before}
    assert after == before
    assert prom.scalar(SAVE_RATE) == pytest.approx(5 / 7)
    assert prom.scalar("resets(saveroute_outcomes_total[5m]) > 0") is None  # totals survived the restart
