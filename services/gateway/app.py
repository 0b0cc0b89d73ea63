"""The gateway's HTTP surface: thin handlers over verification, mapping and the Ingestor.

Order per request: size limit (before parsing) → signature/token → JSON → mapping →
Ingestor. 401/400/413 publish nothing and count the reason; unknown event types
are 200 and counted; 503 when Kafka did not confirm, 409 while the same event id
is in flight, so the source retries.
"""

import hmac
import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from saveroute.ingest import hubspot, stripe, zendesk
from saveroute.ingest.canonical import Mapped, parse_canonical
from saveroute.ingest.errors import MappingError, SignatureError
from saveroute.ingest.signatures import verify_hubspot_v3, verify_stripe, verify_zendesk
from services.gateway import metrics
from services.gateway.ingestor import InFlight, Ingestor, Unavailable
from services.gateway.settings import GatewaySettings, secret


class Rejected(Exception):
    def __init__(self, status: int, reason: str, detail: dict[str, Any]) -> None:
        super().__init__(reason)
        self.status, self.reason, self.detail = status, reason, detail


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it passes `limit` (header or stream)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Rejected(413, "oversize", {"error": f"body larger than {limit} bytes"})
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Rejected(413, "oversize", {"error": f"body larger than {limit} bytes"})
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Rejected(400, "malformed", {"error": f"body: not JSON ({exc.__class__.__name__})",
                                          "field": "body", "reason": "not JSON"}) from None


def create_app(settings: GatewaySettings, ingestor: Ingestor,
               charge_customer: stripe.ChargeCustomer | None = None,
               clock: Callable[[], float] | None = None) -> FastAPI:
    app = FastAPI(title="saveroute gateway", docs_url=None, redoc_url=None)

    async def handle(source: str, request: Request,
                     verify: Callable[[bytes], None],
                     to_mapped: Callable[[Any, bytes], list[Mapped]]) -> Response:
        with metrics.LATENCY.labels(source).time():
            try:
                body = await _read_body(request, settings.max_body_bytes)
                try:
                    verify(body)
                except SignatureError as exc:
                    raise Rejected(401, "bad_signature", {"error": str(exc)}) from None
                try:
                    deliveries = to_mapped(_json(body), body)
                except MappingError as exc:
                    raise Rejected(400, "unmappable", {"error": str(exc), "field": exc.field,
                                                       "reason": exc.reason}) from None
                results = await run_in_threadpool(ingestor.ingest, deliveries)
            except Rejected as rejected:
                metrics.REJECTED.labels(source, rejected.reason).inc()
                return JSONResponse(rejected.detail, status_code=rejected.status)
            except InFlight:
                return JSONResponse({"error": "the same event is being processed; retry"},
                                    status_code=409)
            except Unavailable:
                return JSONResponse({"error": "event store unavailable; retry"}, status_code=503)
        payload: dict[str, Any] = {"results": [r.as_json() for r in results]}
        return JSONResponse(payload, status_code=200)

    def now() -> float | None:
        return clock() if clock else None

    @app.post("/webhooks/stripe")
    async def stripe_webhook(request: Request) -> Response:
        def verify(body: bytes) -> None:
            verify_stripe(body, request.headers.get("stripe-signature"),
                          secret(settings.stripe_webhook_secret), settings.stripe_tolerance_s, now())
        return await handle("stripe", request, verify,
                            lambda data, _raw: [stripe.map_event(data, charge_customer)])

    @app.post("/webhooks/zendesk")
    async def zendesk_webhook(request: Request) -> Response:
        def verify(body: bytes) -> None:
            verify_zendesk(body, request.headers.get("x-zendesk-webhook-signature"),
                           request.headers.get("x-zendesk-webhook-signature-timestamp"),
                           secret(settings.zendesk_webhook_secret), settings.zendesk_tolerance_s,
                           now())
        return await handle("zendesk", request, verify,
                            lambda data, raw: [zendesk.map_webhook(data, raw)])

    @app.post("/webhooks/hubspot")
    async def hubspot_webhook(request: Request) -> Response:
        def verify(body: bytes) -> None:
            uri = settings.hubspot_webhook_url or str(request.url)
            verify_hubspot_v3("POST", uri, body, request.headers.get("x-hubspot-signature-v3"),
                              request.headers.get("x-hubspot-request-timestamp"),
                              secret(settings.hubspot_client_secret), now())
        return await handle("hubspot", request, verify,
                            lambda data, _raw: hubspot.map_webhook(data, settings.hubspot_property_map))

    @app.post("/events")
    async def canonical_events(request: Request) -> Response:
        def verify(_body: bytes) -> None:
            expected = secret(settings.api_token)
            given = request.headers.get("authorization", "")
            if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
                raise Rejected(401, "unauthorized", {"error": "missing or wrong bearer token"})
        return await handle("api", request, verify, lambda data, _raw: [parse_canonical(data)])

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics")
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
