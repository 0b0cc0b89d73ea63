"""The runtime as a real process: SIGKILL mid-stream and restart, SIGTERM mid-stream.

The pass-through stage runs as `python -m saveroute.runtime.passthrough`, exactly as a
service would, so the kill really loses the process's memory and librdkafka's queues.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from saveroute.runtime import StageRunner
from saveroute.runtime.codec import codec_from_settings
from saveroute.runtime.passthrough import passthrough_stage, signal_topic
from support.runtime_tools import make_signal, publish, wait_until

pytestmark = pytest.mark.integration


class StageProcess:
    def __init__(self, settings, src: str, dst: str, name: str, log: Path, **env: str) -> None:  # type: ignore[no-untyped-def]
        self.argv = [sys.executable, "-m", "saveroute.runtime.passthrough", "--input", src, "--output", dst,
                     "--name", name]
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("SAVEROUTE_")},
                    "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
                    "REDIS_URL": settings.redis_url,
                    "SAVEROUTE_GROUP_ID": settings.group_id,
                    "SAVEROUTE_IDEMPOTENCY_KEY_PREFIX": settings.idempotency_key_prefix,
                    "SAVEROUTE_METRICS_PORT": "0", **env}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> StageProcess:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def signal(self, sig: int) -> None:
        assert self.proc is not None and self.proc.poll() is None, f"stage died early:\n{self.tail()}"
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    def kill_if_running(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def committed_total(kafka_tools, group: str, topic: str) -> int:  # type: ignore[no-untyped-def]
    return sum(max(0, off) for off in kafka_tools.committed(group, topic).values())


def test_sigkill_mid_stream_and_restart_loses_nothing_and_duplicates_nothing_downstream(
        runtime_settings, kafka_tools, unique_prefix, tmp_path):
    src, mid, dst = (f"{unique_prefix}.{n}" for n in ("in", "mid", "out"))
    kafka_tools.create_topics([src, mid, dst], partitions=3)
    settings = runtime_settings()
    codec = codec_from_settings(settings)
    # Enough that the kill lands mid-stream: the stage commits at most every 100 ms
    # (SAVEROUTE_COMMIT_INTERVAL_S) and moves tens of thousands of records a second, so a
    # few thousand could all finish before the first commit the test sees.
    n = 20_000
    publish(settings, src, [make_signal(i, unique_prefix) for i in range(n)])

    stage = StageProcess(settings, src, mid, f"{unique_prefix}-a", tmp_path / "a.log", SAVEROUTE_BATCH_SIZE="100")
    try:
        stage.start()
        wait_until(lambda: committed_total(kafka_tools, settings.group_id, src) >= 500, timeout=120,
                   message="the stage to be mid-stream")
        stage.signal(signal.SIGKILL)
        stage.wait(10)
        killed_at = committed_total(kafka_tools, settings.group_id, src)
        assert killed_at < n, "the kill came too late to be mid-stream"
        stage.start()
        wait_until(lambda: committed_total(kafka_tools, settings.group_id, src) == n, timeout=180,
                   message="the restarted stage to finish the stream")
        stage.signal(signal.SIGTERM)
        assert stage.wait(60) == 0, stage.tail()
    finally:
        stage.kill_if_running()

    # Nothing lost: every source event is on the output topic.
    records = kafka_tools.read_all(mid)
    ids = Counter(codec.decode(signal_topic(mid), r.value).signal_id for r in records)
    assert set(ids) == {f"{unique_prefix}-{i}" for i in range(n)}
    # A kill between delivery and marking may re-produce a batch's outputs: they are the
    # same bytes, key and event id, so the next stage's idempotency drops them.
    first_copy: dict[str, tuple] = {}
    for r in records:
        copy = (r.key, r.value, r.headers.get("saveroute-event-id"))
        assert first_copy.setdefault(copy[2], copy) == copy
    print(f"\nSIGKILL at {killed_at}/{n} committed; re-produced copies on {mid}: {sum(ids.values()) - n}")

    # Nothing done twice: the next stage emits each event exactly once.
    down = runtime_settings(group_id=f"{unique_prefix}-down")
    runner = StageRunner(passthrough_stage(f"{unique_prefix}-b", mid, dst), down)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    try:
        # read_all left one end marker per partition: the next stage dead-letters those.
        end = len(records) + len(kafka_tools.partitions(mid))
        wait_until(lambda: committed_total(kafka_tools, down.group_id, mid) == end, timeout=120,
                   message="the next stage to consume everything")
    finally:
        runner.request_stop()
        thread.join(60)
    out = Counter(codec.decode(signal_topic(dst), r.value).signal_id for r in kafka_tools.read_all(dst))
    assert out == Counter({f"{unique_prefix}-{i}": 1 for i in range(n)})


def test_sigterm_finishes_the_batch_commits_and_exits_zero_within_the_deadline(
        runtime_settings, kafka_tools, unique_prefix, tmp_path):
    src, dst = f"{unique_prefix}.in", f"{unique_prefix}.out"
    kafka_tools.create_topics([src, dst], partitions=1)
    settings = runtime_settings()
    codec = codec_from_settings(settings)
    n = 5000
    publish(settings, src, [make_signal(i, unique_prefix) for i in range(n)])
    deadline_s = 10.0
    stage = StageProcess(settings, src, dst, f"{unique_prefix}-t", tmp_path / "t.log",
                         SAVEROUTE_BATCH_SIZE="50", SAVEROUTE_SHUTDOWN_TIMEOUT_S=str(deadline_s))
    try:
        stage.start()
        wait_until(lambda: committed_total(kafka_tools, settings.group_id, src) >= 200, timeout=120,
                   message="the stage to be mid-stream")
        sent = time.monotonic()
        stage.signal(signal.SIGTERM)
        code = stage.wait(deadline_s + 20)
        took = time.monotonic() - sent
    finally:
        stage.kill_if_running()
    assert code == 0, stage.tail()
    assert took < deadline_s + 5, f"took {took:.1f}s to stop"
    assert "stopped" in stage.tail()

    committed = committed_total(kafka_tools, settings.group_id, src)
    ids = [codec.decode(signal_topic(dst), r.value).signal_id for r in kafka_tools.read_all(dst)]
    # Every output delivered belongs to a committed offset and vice versa: the batch in
    # hand was finished and committed, not abandoned half way.
    assert ids == [f"{unique_prefix}-{i}" for i in range(committed)]
    assert 200 <= committed <= n
