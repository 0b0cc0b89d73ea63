"""Wiring the owner loop for tests: real Redis (per-test key prefix), the fake Slack server, signed clicks."""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import redis
from pydantic import BaseModel

from saveroute.owner.actions import encode_button_value
from saveroute.owner.chain import ChainRules
from saveroute.owner.messenger import Messenger, Routing
from saveroute.owner.signatures import SlackSignatures
from saveroute.owner.slack import SlackNotifier, web_client
from saveroute.owner.stores import OwnerStores
from saveroute.runtime import InMessage
from saveroute.runtime.messages import Result
from services.alerts.handler import AlertsHandler, event_id
from support.fake_slack import FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ROUTING = Routing(default_channel="C0DEFAULT", staff_channel="C0STAFF", escalation_channel="C0ESCALATE",
                  role_channels={"finance": "C0FINANCE", "executive": "C0EXEC", "legal": "C0LEGAL"},
                  people={"usr_mia": "U0MIA"})
RULES = ChainRules(parallel_review=True)


@dataclass
class OwnerRig:
    slack: FakeSlack
    stores: OwnerStores
    messenger: Messenger


@contextmanager
def owner_stores(redis_url: str, prefix: str) -> Iterator[OwnerStores]:
    """The owner stores under `{prefix}:owner:` on a real Redis; their keys are deleted afterwards."""
    client = redis.Redis.from_url(redis_url)
    yield OwnerStores.on(client, f"{prefix}:owner:")
    for key in client.scan_iter(f"{prefix}:owner:*"):
        client.delete(key)


@contextmanager
def owner_rig(redis_url: str, prefix: str, max_retries: int = 3) -> Iterator[OwnerRig]:
    with owner_stores(redis_url, prefix) as stores, FakeSlack() as slack:
        notifier = SlackNotifier(web_client(slack.token, slack.api_url, max_retries=max_retries, timeout=5))
        yield OwnerRig(slack, stores, Messenger(notifier, stores.messages, ROUTING, RULES))


def deliver(handler: AlertsHandler, value: BaseModel) -> Result:
    """`value` handed to the alerts handler as the runtime would (one message, with its event id)."""
    message = InMessage(topic="t", partition=0, offset=0, key=None, value=value, raw=b"",
                        event_id=event_id(None, value), timestamp_ms=0)
    (result,) = handler([message])
    return result


def click_body(task_id: str, role: str, round_: int, action_id: str = "saveroute_approve",
               user: str = "U0DANA", channel: str = "D0DANA", ts: str = "1.000001", comment: str | None = None) -> bytes:
    payload = {
        "type": "block_actions", "user": {"id": user}, "api_app_id": "A0TEST", "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel}, "message": {"ts": ts, "type": "message"},
        "response_url": "https://hooks.slack.com/actions/T0/1/x",
        "actions": [{"type": "button", "block_id": "saveroute_actions", "action_id": action_id,
                     "value": encode_button_value(task_id, role, round_), "action_ts": "1.1"}],
    }
    if comment:
        payload["state"] = {"values": {"saveroute_comment": {"saveroute_comment_input": {"value": comment}}}}
    return urlencode({"payload": json.dumps(payload)}).encode()


def signed_headers(body: bytes, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": SlackSignatures(secret).sign(body, ts),
            "Content-Type": "application/x-www-form-urlencoded"}
