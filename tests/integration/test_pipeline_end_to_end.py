"""The three pipeline services as real processes on a real broker and Redis.

Signals in, decisions out: exactly one decision per signal, whatever is redelivered,
poisoned or killed on the way, and `saveroute replay` agreeing with `saveroute route`.
"""

from __future__ import annotations

import json
import os
import signal as signals
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from saveroute.models import Path as RoutePath
from support.pipeline_tools import running_pipeline, Pipeline, account, signal

pytestmark = pytest.mark.integration

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "contracts" / "dev-set.jsonl"
CLI = [str(Path(sys.executable).with_name("saveroute"))]


def cli_env(pipeline: Pipeline, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SAVEROUTE_CONTEXT_KEY_PREFIX": f"{pipeline.namespace}:ctx:",
            "SAVEROUTE_RUN_DIR": str(tmp_path)}


def stack_args(pipeline: Pipeline) -> list[str]:
    return ["--bootstrap", str(pipeline.settings.kafka_bootstrap_servers), "--redis-url", str(pipeline.settings.redis_url)]


@pytest.fixture(scope="module")
def pipeline(kafka_bootstrap: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    with running_pipeline(kafka_bootstrap, redis_url, tmp_path_factory.mktemp("pipeline"), "p") as running:
        yield running


def test_n_signals_give_exactly_n_decisions(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-n-"
    accounts = [account(f"{prefix}acct-{i}") for i in range(10)]
    pipeline.feed_context(accounts)
    sent = [signal(f"{prefix}{i}", accounts[i % 10].account_id) for i in range(300)]
    pipeline.publish(sent)
    pipeline.wait_for_decisions(prefix, {s.signal_id for s in sent})
    pipeline.settle()
    decisions = pipeline.decisions(prefix)
    assert Counter(d.signal_id for d in decisions) == Counter(s.signal_id for s in sent)
    # joined with the stored context, decided at the record timestamp
    assert all(d.account_name == f"Account {d.account_id}" and not d.evidence_issues for d in decisions)


def test_same_source_event_twice_gives_one_decision(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-dup-"
    pipeline.feed_context([account(f"{prefix}acct")])
    once = signal(f"{prefix}1", f"{prefix}acct")
    pipeline.publish([once, once])
    pipeline.publish([once])
    pipeline.wait_for_decisions(prefix, {once.signal_id})
    pipeline.settle()
    assert [d.signal_id for d in pipeline.decisions(prefix)] == [once.signal_id]


def test_poison_message_is_dead_lettered_and_the_rest_flows(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-poison-"
    pipeline.feed_context([account(f"{prefix}acct")])
    before = [signal(f"{prefix}before-{i}", f"{prefix}acct") for i in range(5)]
    after = [signal(f"{prefix}after-{i}", f"{prefix}acct") for i in range(5)]
    poison = b"\x00not an avro record " + prefix.encode()
    pipeline.publish(before)
    pipeline.publish_raw(f"{prefix}acct".encode(), poison)
    pipeline.publish(after)
    counts = pipeline.wait_for_decisions(prefix, {s.signal_id for s in before + after})
    assert set(counts.values()) == {1}
    letters = [dl for dl in pipeline.dead_letters("enrichment") if dl.original_value == poison]
    assert len(letters) == 1
    letter = letters[0]
    assert letter.topic == "saveroute.signals.v1" and letter.original_key == f"{prefix}acct".encode()
    assert letter.error_type == "undecodable" and letter.error


def test_service_killed_mid_stream_loses_nothing_and_duplicates_nothing(pipeline: Pipeline) -> None:
    prefix = f"{pipeline.namespace}-kill-"
    accounts = [account(f"{prefix}acct-{i}") for i in range(20)]
    pipeline.feed_context(accounts)
    sent = [signal(f"{prefix}{i}", accounts[i % 20].account_id) for i in range(3000)]
    pipeline.publish(sent[:1500])
    # kill once the stream is flowing: some decisions out, most still to come
    deadline_ids = {s.signal_id for s in sent[:50]}
    pipeline.wait_for_decisions(prefix, deadline_ids)
    pipeline.fleet.kill("enrichment", signals.SIGKILL)
    pipeline.publish(sent[1500:])
    pipeline.fleet.restart("enrichment")
    pipeline.wait_for_decisions(prefix, {s.signal_id for s in sent}, timeout=600)
    pipeline.settle(timeout=600)
    counts = Counter(d.signal_id for d in pipeline.decisions(prefix))
    assert counts == Counter(s.signal_id for s in sent)


def test_replay_of_the_dev_set_prints_what_route_prints(pipeline: Pipeline, tmp_path: Path) -> None:
    env = cli_env(pipeline, tmp_path)
    routed = subprocess.run([*CLI, "route", str(DEV_SET)], capture_output=True, text=True, env=env, timeout=120)
    replayed = subprocess.run([*CLI, "replay", str(DEV_SET), *stack_args(pipeline)], capture_output=True,
                              text=True, env=env, timeout=300)
    assert replayed.returncode == routed.returncode, replayed.stderr
    assert replayed.stdout.splitlines() == routed.stdout.splitlines()
    assert len(replayed.stdout.splitlines()) == sum(1 for line in DEV_SET.open() if line.strip())


def test_replay_writes_routes_error_line_for_an_invalid_scenario(pipeline: Pipeline, tmp_path: Path) -> None:
    prefix = f"{pipeline.namespace}-bad-"
    good = {"now": "2026-03-02T09:00:00Z", "signal": signal(f"{prefix}ok", f"{prefix}acct").model_dump(mode="json")}
    bad = {"now": "2026-03-02T09:00:00Z", "signal": {"signal_id": f"{prefix}bad", "source": "fax"}}
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    env = cli_env(pipeline, tmp_path)
    routed = subprocess.run([*CLI, "route", str(path)], capture_output=True, text=True, env=env, timeout=120)
    replayed = subprocess.run([*CLI, "replay", str(path), *stack_args(pipeline)], capture_output=True, text=True,
                              env=env, timeout=300)
    assert replayed.returncode == routed.returncode == 1
    assert replayed.stdout == routed.stdout
    lines = [json.loads(line) for line in replayed.stdout.splitlines()]
    assert lines[0]["path"] in {p.value for p in RoutePath} and "source" in lines[1]["error"]
