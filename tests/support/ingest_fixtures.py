"""Shared readers for the third-party fixtures in /work/shared/fixtures (or $SAVEROUTE_FIXTURES)."""

import copy
import json
import os
from pathlib import Path
from typing import Any

FIXTURES = Path(os.environ.get("SAVEROUTE_FIXTURES", "/work/shared/fixtures"))
EVENT_TIME = 1767630000  # 2026-01-05T16:20:00Z


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def fixture_json(relative: str) -> Any:
    return json.loads(fixture_bytes(relative))


def stripe_resource(name: str) -> dict[str, Any]:
    return copy.deepcopy(fixture_json("stripe/stripe-openapi_fixtures3.json")["resources"][name])


def stripe_event(event_id: str, event_type: str, obj: dict[str, Any],
                 previous: dict[str, Any] | None = None, created: int = EVENT_TIME) -> dict[str, Any]:
    """A Stripe event envelope around a fixture object, as Stripe delivers it."""
    data: dict[str, Any] = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {"id": event_id, "object": "event", "api_version": "2025-03-31.basil",
            "created": created, "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": event_type, "data": data}


def pay_rails_event(event_id: str, event_type: str, name: str) -> dict[str, Any]:
    """pay-rails fixtures hold the `data` member of a real event."""
    data = fixture_json(f"stripe/pay-rails_{name}.data.json")
    return {"id": event_id, "object": "event", "created": EVENT_TIME, "type": event_type, "data": data}


def cancelling_subscription(feedback: str | None, comment: str | None,
                            reason: str = "cancellation_requested") -> dict[str, Any]:
    sub = stripe_resource("subscription")
    sub["cancel_at_period_end"] = True
    sub["cancellation_details"] = {"feedback": feedback, "comment": comment, "reason": reason}
    return sub


def signature_vectors(provider: str) -> list[dict[str, Any]]:
    vectors = fixture_json("signatures/webhook_signature_vectors.json")["vectors"]
    return [v for v in vectors if v["provider"] == provider]
