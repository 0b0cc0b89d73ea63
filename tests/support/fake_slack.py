"""A local Slack Web API for tests: a real HTTP server on 127.0.0.1 that records every request.

It speaks the routes the owner loop uses — `chat.postMessage`, `chat.update`,
`conversations.open` — with Slack's response shapes (HTTP 200 with `ok: false` and an
error code for API errors), checks the bot token and the Block Kit limits Slack
enforces, keeps the messages it accepted, and can be told to answer the next N calls
with 429 + `Retry-After` or with 500, so retry behaviour is tested against real HTTP.
"""

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Recorded:
    method: str  # the API method, e.g. "chat.postMessage"
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.time)


@dataclass
class Fault:
    status: int
    retry_after: int | None = None


def _block_errors(blocks: Any) -> list[str]:
    if not isinstance(blocks, list):
        return ["blocks must be an array"]
    errors = []
    if len(blocks) > 50:
        errors.append("no more than 50 items allowed [json-pointer:/blocks]")
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in {"section", "header", "context", "actions", "input", "divider"}:
            errors.append(f"unsupported type {kind!r} [json-pointer:/blocks/{i}]")
            continue
        if kind == "header" and len(block["text"]["text"]) > 150:
            errors.append(f"must be less than 151 characters [json-pointer:/blocks/{i}/text]")
        if kind == "section":
            if "text" in block and len(block["text"]["text"]) > 3000:
                errors.append(f"must be less than 3001 characters [json-pointer:/blocks/{i}/text]")
            if len(block.get("fields", [])) > 10:
                errors.append(f"no more than 10 items allowed [json-pointer:/blocks/{i}/fields]")
        if kind == "actions":
            for j, element in enumerate(block.get("elements", [])):
                if len(element.get("value", "")) > 2000:
                    errors.append(f"must be less than 2001 characters [json-pointer:/blocks/{i}/elements/{j}/value]")
    return errors


class FakeSlack:
    """Start with `with FakeSlack(token) as slack:`; point clients at `slack.api_url`."""

    def __init__(self, token: str = "xoxb-test-token", team: str = "T0TEST") -> None:
        self.token, self.team = token, team
        self.requests: list[Recorded] = []
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}  # (channel, ts) -> message
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------
    def start(self) -> "FakeSlack":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:  # noqa: N802 — http.server's naming
                fake._handle(self)

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def fail_next(self, count: int, status: int = 429, retry_after: int | None = 1) -> None:
        """Answer the next `count` API calls with `status` (429 carries Retry-After)."""
        with self._lock:
            self._faults.extend(Fault(status, retry_after if status == 429 else None) for _ in range(count))

    def calls(self, method: str, status: int | None = 200) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and (status is None or r.status == status)]

    def posts(self) -> list[Recorded]:
        """Accepted `chat.postMessage` calls (the messages a person would see)."""
        return [r for r in self.calls("chat.postMessage") if r.body.get("_ok")]

    # -- the API -------------------------------------------------------------------------
    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        url = urlparse(http.path)
        method = url.path.rsplit("/", 1)[-1]
        length = int(http.headers.get("Content-Length") or 0)
        raw = http.rfile.read(length) if length else b""
        body = self._parse(http.headers.get("Content-Type", ""), raw, url.query)
        record = Recorded(method=method, headers={k.lower(): v for k, v in http.headers.items()}, body=body)
        with self._lock:
            self.requests.append(record)
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            record.status = fault.status
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            error = "ratelimited" if fault.status == 429 else "internal_error"
            self._reply(http, fault.status, {"ok": False, "error": error}, headers)
            return
        status, answer = self._answer(method, body, record.headers.get("authorization", ""))
        body["_ok"] = bool(answer.get("ok"))
        self._reply(http, status, answer)

    @staticmethod
    def _parse(content_type: str, raw: bytes, query: str) -> dict[str, Any]:
        if "application/json" in content_type and raw:
            return json.loads(raw)
        form = parse_qs(raw.decode() if raw else query, keep_blank_values=True)
        parsed: dict[str, Any] = {k: v[0] for k, v in form.items()}
        if isinstance(parsed.get("blocks"), str):
            parsed["blocks"] = json.loads(parsed["blocks"])
        return parsed

    @staticmethod
    def _reply(http: BaseHTTPRequestHandler, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json; charset=utf-8")
        http.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            http.send_header(name, value)
        http.end_headers()
        http.wfile.write(data)

    def _answer(self, method: str, body: dict[str, Any], authorization: str) -> tuple[int, dict[str, Any]]:
        if authorization != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth" if authorization else "not_authed"}
        if method == "conversations.open":
            users = body.get("users", "")
            if not users:
                return 200, {"ok": False, "error": "users_list_not_supplied"}
            return 200, {"ok": True, "channel": {"id": "D" + users.lstrip("UW")[:10].upper()}}
        if method in ("chat.postMessage", "chat.update"):
            return 200, self._message(method, body)
        return 404, {"ok": False, "error": "unknown_method"}

    def _message(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        channel = body.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        blocks = body.get("blocks")
        if not body.get("text") and not blocks:
            return {"ok": False, "error": "no_text"}
        if blocks is not None:
            errors = _block_errors(blocks)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
        with self._lock:
            if method == "chat.update":
                ts = body.get("ts")
                if (channel, ts) not in self.messages:
                    return {"ok": False, "error": "message_not_found"}
            else:
                ts = f"{int(time.time())}.{next(self._ts):06d}"
            message = {"type": "message", "user": "U0BOT", "bot_id": "B0BOT", "team": self.team,
                       "text": body.get("text", ""), "blocks": blocks or [], "ts": ts}
            self.messages[(channel, ts)] = message
        answer: dict[str, Any] = {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.update":
            answer["text"] = message["text"]
        return answer
