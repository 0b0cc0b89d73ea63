"""The approvals HTTP API (FastAPI): Slack interactions, a token-authenticated REST endpoint, ops.

- `POST /slack/interactions`: checks the Slack signature (401 if wrong or stale), parses
  the `block_actions` payload (400 with field and reason), publishes the decision and
  updates the Slack message after answering (Slack wants an answer within 3 s).
- `POST /approvals/{task_id}` with `Authorization: Bearer $SAVEROUTE_API_TOKEN` and a
  JSON body `{role, verdict, comment, actor_id}`: the same for other tools and the CLI.
- `GET /healthz` (Redis reachable), `GET /metrics` (Prometheus).
Nothing is published for a request that is refused.
"""

import hmac
import logging
from collections.abc import Callable

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from saveroute.owner.actions import ActionError, DecisionRequest, parse_block_actions, parse_rest_decision
from saveroute.owner.blocks import decision_note
from saveroute.owner.messenger import Messenger
from saveroute.owner.signatures import SlackSignatures
from services.approvals.submit import DecisionService, Refused, Submitted

log = logging.getLogger(__name__)

REQUESTS = Counter("saveroute_approvals_requests_total", "Approval requests by route and outcome.",
                   ["route", "outcome"])


def _error(status: int, field: str, reason: str, route: str, outcome: str) -> JSONResponse:
    REQUESTS.labels(route, outcome).inc()
    return JSONResponse({"error": f"{field}: {reason}", "field": field, "reason": reason}, status_code=status)


def _body(result: Submitted) -> dict[str, object]:
    return {
        "status": result.status, "decision_id": result.decision_id, "task_id": result.task.task_id,
        "round": result.round, "chain": {"status": result.chain.status,
                                          "awaiting": [str(r) for r in result.chain.awaiting]},
    }


def create_app(
    service: DecisionService,
    messenger: Messenger,
    *,
    signatures: SlackSignatures | None,
    api_token: str | None,
    healthy: Callable[[], bool],
) -> FastAPI:
    app = FastAPI(title="saveroute approvals", docs_url=None, redoc_url=None)

    def refresh_messages(result: Submitted) -> None:
        if result.decision is None:
            return
        try:
            messenger.sync(result.task, result.chain, decision_note(result.decision))
        except Exception as exc:  # noqa: BLE001 — the decision is recorded; the alerts service re-syncs
            log.warning("could not update Slack for %s: %s", result.task.task_id, exc)

    async def decide(request: DecisionRequest, route: str, background: BackgroundTasks) -> Response:
        try:
            result = await run_in_threadpool(service.submit, request)
        except Refused as refused:
            return _error(refused.status, refused.field, refused.reason, route, f"refused_{refused.status}")
        REQUESTS.labels(route, result.status).inc()
        background.add_task(refresh_messages, result)
        return JSONResponse(_body(result))

    @app.post("/slack/interactions")
    async def slack_interactions(request: Request, background: BackgroundTasks) -> Response:
        if signatures is None:
            return _error(503, "SLACK_SIGNING_SECRET", "not configured; Slack requests cannot be verified",
                          "slack", "unconfigured")
        body = await request.body()
        if not signatures.is_valid(body, dict(request.headers)):
            return _error(401, "X-Slack-Signature", "invalid or stale signature", "slack", "bad_signature")
        try:
            parsed = parse_block_actions(body)
        except ActionError as exc:
            return _error(400, exc.field, exc.reason, "slack", "bad_request")
        return await decide(parsed, "slack", background)

    @app.post("/approvals/{task_id}")
    async def rest_decision(task_id: str, request: Request, background: BackgroundTasks) -> Response:
        given = request.headers.get("authorization", "")
        expected = f"Bearer {api_token}" if api_token else None
        if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
            reason = "missing or wrong bearer token" if expected else "SAVEROUTE_API_TOKEN is not configured"
            return _error(401, "Authorization", reason, "rest", "unauthorized")
        try:
            parsed = parse_rest_decision(task_id, await request.body())
        except ActionError as exc:
            return _error(400, exc.field, exc.reason, "rest", "bad_request")
        return await decide(parsed, "rest", background)

    @app.get("/healthz")
    def healthz() -> Response:
        ok = healthy()
        return JSONResponse({"status": "ok" if ok else "unavailable"}, status_code=200 if ok else 503)

    @app.get("/metrics")
    def metrics() -> Response:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
