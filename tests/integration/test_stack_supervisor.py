"""The supervisor and `saveroute demo` with real processes: clean stops, no orphans."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saveroute.stack.supervisor import ServiceFailed, Supervisor

pytestmark = pytest.mark.integration

STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(600)"
POLITE = "import time; print('up', flush=True); time.sleep(600)"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_line(path: Path, text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not (path.exists() and text in path.read_text()):
        assert time.monotonic() < deadline, f"{path} never said {text!r}"
        time.sleep(0.05)


def test_stop_terminates_politely_then_kills_what_ignores_sigterm(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    polite = supervisor.start("polite", [sys.executable, "-c", POLITE], {}, None)
    stubborn = supervisor.start("stubborn", [sys.executable, "-c", STUBBORN], {}, None)
    supervisor.wait_healthy(30)
    for name in ("polite", "stubborn"):  # both have set up their signal handling
        wait_for_line(tmp_path / f"{name}.log", "up")
    statuses = supervisor.stop(deadline=2.0)
    assert statuses["polite"] == -signal.SIGTERM
    assert statuses["stubborn"] == -signal.SIGKILL
    assert not alive(polite.pid) and not alive(stubborn.pid)  # type: ignore[arg-type]
    assert (tmp_path / "polite.log").read_text().strip() == "up"


def test_a_service_that_dies_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    supervisor.start("broken", [sys.executable, "-c", "import sys; print('bad config: X'); sys.exit(2)"], {},
                     "http://127.0.0.1:9/healthz")
    with pytest.raises(ServiceFailed, match="(?s)broken exited with status 2.*bad config: X"):
        supervisor.wait_healthy(30)
    supervisor.stop()


def test_restart_after_sigkill_brings_the_service_back(tmp_path: Path) -> None:
    supervisor = Supervisor(tmp_path)
    first = supervisor.start("svc", [sys.executable, "-c", POLITE], {}, None).pid
    supervisor.signal("svc", signal.SIGKILL)
    second = supervisor.restart("svc").pid
    assert first != second and supervisor.children["svc"].running()
    supervisor.stop(deadline=5)
    assert not alive(second)  # type: ignore[arg-type]


def test_saveroute_demo_prints_every_decision_and_leaves_nothing_running(tmp_path: Path) -> None:
    saveroute = str(Path(sys.executable).with_name("saveroute"))
    env = {**os.environ, "SAVEROUTE_RUN_DIR": str(tmp_path)}
    done = subprocess.run([saveroute, "demo", "--timeout", "240"], capture_output=True, text=True, env=env, timeout=400)
    assert done.returncode == 0, done.stderr[-2000:]
    from saveroute.demo import load_demo

    expected = load_demo()
    lines = [line for line in done.stdout.splitlines() if " -> " in line]
    assert len(lines) == len(expected.signals)
    assert f"all {len(expected.signals)} demo decisions arrived" in done.stdout
    assert not (tmp_path / "stack.json").exists()
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout.split()
    assert leftovers == []
