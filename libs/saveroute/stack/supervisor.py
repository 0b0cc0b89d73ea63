"""Run services as child processes, wait for them to be healthy, stop them without orphans.

Each child gets its own session (so a Ctrl-C in the terminal reaches only the parent,
which then stops the children in order), its own log file, and a health URL polled
until it answers 200. Stopping sends SIGTERM, waits up to a deadline for the service
to finish its batch, flush and commit, then SIGKILLs whatever is left.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


class ServiceFailed(RuntimeError):
    """A service exited or never became healthy; the message carries its log's tail."""


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    health_url: str | None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: dict[str, Child] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], health_url: str | None) -> Child:
        """Start (or restart) one child; its output is appended to `<log_dir>/<name>.log`."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        child = self.children.get(name) or Child(name, argv, env, self.log_dir / f"{name}.log", health_url)
        if child.running():
            raise ServiceFailed(f"{name} is already running (pid {child.pid})")
        child._log = open(child.log_path, "ab")
        child.process = subprocess.Popen(
            child.argv,
            env={**os.environ, **child.env},
            stdin=subprocess.DEVNULL,
            stdout=child._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children[name] = child
        return child

    def restart(self, name: str) -> Child:
        child = self.children[name]
        if child.running():
            raise ServiceFailed(f"{name} is still running (pid {child.pid}); stop or kill it first")
        self._close_log(child)
        return self.start(name, child.argv, child.env, child.health_url)

    def signal(self, name: str, signum: int) -> None:
        """Send a signal to one child (the end-to-end tests SIGKILL services mid-stream)."""
        child = self.children[name]
        if child.running():
            child.process.send_signal(signum)  # type: ignore[union-attr]
            if signum == signal.SIGKILL:
                child.process.wait()  # type: ignore[union-attr]

    def wait_healthy(self, timeout: float = 60.0, names: list[str] | None = None) -> None:
        """Poll every child's health URL until all answer 200; fail fast if one exits."""
        pending = [self.children[n] for n in (names or list(self.children))]
        deadline = time.monotonic() + timeout
        while pending:
            for child in list(pending):
                if not child.running():
                    code = child.process.returncode if child.process else None
                    raise ServiceFailed(
                        f"{child.name} exited with status {code} before it was healthy; "
                        f"last lines of {child.log_path}:\n{child.log_tail()}"
                    )
                if child.health_url is None or _answers(child.health_url):
                    pending.remove(child)
            if pending and time.monotonic() > deadline:
                names_left = ", ".join(c.name for c in pending)
                tails = "\n".join(f"--- {c.log_path}\n{c.log_tail()}" for c in pending)
                raise ServiceFailed(f"not healthy after {timeout:.0f}s: {names_left}\n{tails}")
            if pending:
                time.sleep(0.2)

    def exited(self) -> list[Child]:
        """Children that have stopped on their own (the parent reports and shuts down)."""
        return [c for c in self.children.values() if c.process is not None and not c.running()]

    def stop(self, deadline: float = 15.0, names: list[str] | None = None) -> dict[str, int | None]:
        """SIGTERM, wait up to `deadline` seconds, then SIGKILL; returns each exit status."""
        targets = [self.children[n] for n in (names or list(self.children))]
        for child in targets:
            if child.running():
                child.process.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        end = time.monotonic() + deadline
        for child in targets:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_group(child.process)
                child.process.wait()
        statuses = {c.name: (c.process.returncode if c.process else None) for c in targets}
        for child in targets:
            self._close_log(child)
        return statuses

    @staticmethod
    def _close_log(child: Child) -> None:
        if child._log is not None:
            child._log.close()
            child._log = None


def python_module_argv(module: str) -> list[str]:
    """`python -m module` with this interpreter: works without the venv's bin on PATH."""
    return [sys.executable, "-m", module]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1.0) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    # The child leads its own session: kill it and anything it started.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
