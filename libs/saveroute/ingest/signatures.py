"""Proof that a webhook came from its source: Stripe, Zendesk and HubSpot v3 schemes.

Each verifier takes the raw body bytes exactly as received and a clock (`now`,
unix seconds) so the freshness window is testable. Failure raises
SignatureError with a reason safe to log (never the secret or the body).
"""

import base64
import hashlib
import hmac
import time
from datetime import datetime
from urllib.parse import unquote

import stripe

from saveroute.ingest.errors import SignatureError

HUBSPOT_MAX_AGE_SECONDS = 300  # HubSpot: reject requests older than five minutes


def verify_stripe(body: bytes, header: str | None, secret: str, tolerance_s: int,
                  now: float | None = None) -> None:
    """`Stripe-Signature: t=..,v1=..` checked by the stripe library; then the age of `t`.

    The HMAC is left to `stripe.WebhookSignature.verify_header`; its own freshness
    check reads the wall clock, so the window is applied here with `now`.
    """
    if not secret:
        raise SignatureError("stripe webhook secret is not configured")
    try:
        stripe.WebhookSignature.verify_header(body, header, secret, tolerance=None)
    except stripe.SignatureVerificationError as exc:
        raise SignatureError(f"stripe signature: {exc.user_message or 'invalid'}") from None
    timestamp = _stripe_timestamp(header or "")
    _check_age(timestamp, tolerance_s, now, "stripe")


def _stripe_timestamp(header: str) -> int:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    raise SignatureError("stripe signature: no timestamp")


def zendesk_signature(body: bytes, timestamp: str, secret: str) -> str:
    """base64(HMAC-SHA256(secret, timestamp + body)), Zendesk's documented scheme."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_zendesk(body: bytes, signature: str | None, timestamp: str | None, secret: str,
                   tolerance_s: int, now: float | None = None) -> None:
    """`X-Zendesk-Webhook-Signature` over `X-Zendesk-Webhook-Signature-Timestamp` + body.

    The timestamp is ISO 8601 in real deliveries; a window of 0 disables the age check
    (Zendesk's test-request vectors carry timestamps such as "1234").
    """
    if not secret:
        raise SignatureError("zendesk webhook secret is not configured")
    if not signature or not timestamp:
        raise SignatureError("zendesk signature: signature or timestamp header missing")
    expected = zendesk_signature(body, timestamp, secret)
    if not hmac.compare_digest(expected, signature.strip()):
        raise SignatureError("zendesk signature: mismatch")
    if tolerance_s > 0:
        _check_age(_zendesk_time(timestamp), tolerance_s, now, "zendesk")


def _zendesk_time(timestamp: str) -> float:
    raw = timestamp.strip()
    if raw.isdigit():
        return float(raw)
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise SignatureError("zendesk signature: unreadable timestamp") from None


def hubspot_v3_signature(method: str, uri: str, body: bytes, timestamp: str, secret: str) -> str:
    """base64(HMAC-SHA256(client_secret, method + uri + body + timestamp))."""
    message = method.upper().encode() + _hubspot_uri(uri).encode() + body + timestamp.encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def _hubspot_uri(uri: str) -> str:
    # HubSpot signs the URI with these percent-escapes decoded (its docs list them).
    for encoded in ("%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A",
                    "%2C", "%3B"):
        uri = uri.replace(encoded, unquote(encoded)).replace(encoded.lower(), unquote(encoded))
    return uri


def verify_hubspot_v3(method: str, uri: str, body: bytes, signature: str | None,
                      timestamp_ms: str | None, secret: str, now: float | None = None,
                      max_age_s: int = HUBSPOT_MAX_AGE_SECONDS) -> None:
    """`X-HubSpot-Signature-v3` with `X-HubSpot-Request-Timestamp` (ms) no older than 5 minutes."""
    if not secret:
        raise SignatureError("hubspot client secret is not configured")
    if not signature or not timestamp_ms:
        raise SignatureError("hubspot signature: signature or timestamp header missing")
    if not timestamp_ms.strip().isdigit():
        raise SignatureError("hubspot signature: unreadable timestamp")
    expected = hubspot_v3_signature(method, uri, body, timestamp_ms.strip(), secret)
    if not hmac.compare_digest(expected, signature.strip()):
        raise SignatureError("hubspot signature: mismatch")
    _check_age(int(timestamp_ms) / 1000.0, max_age_s, now, "hubspot")


def _check_age(timestamp: float, tolerance_s: int, now: float | None, source: str) -> None:
    """Reject timestamps older than the window, or further in the future than it."""
    if tolerance_s <= 0:
        return
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        raise SignatureError(f"{source} signature: timestamp outside the {tolerance_s}s window")
