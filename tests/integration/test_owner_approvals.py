"""The approvals API on a real broker and Redis: signed clicks publish exactly one decision."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from saveroute.models import ApprovalDecision
from saveroute.owner.signatures import SlackSignatures
from saveroute.runtime import EventProducer
from saveroute.runtime.codec import codec_from_settings
from saveroute.topics import APPROVAL_DECISIONS
from services.alerts.handler import AlertsHandler
from services.approvals.app import create_app
from services.approvals.submit import DecisionService
from support.owner_factories import make_task
from support.owner_harness import RULES, SIGNING_SECRET, click_body, deliver, owner_rig, signed_headers
from support.runtime_tools import wait_until

pytestmark = pytest.mark.integration
API_TOKEN = "test-api-token"


@pytest.fixture
def api(runtime_settings, redis_url, unique_prefix):
    settings = runtime_settings()
    producer = EventProducer(settings)

    def publish(key: str, decision: ApprovalDecision) -> None:
        producer.publish(APPROVAL_DECISIONS, key, decision, event_id=decision.decision_id)
        producer.flush(30.0)

    with owner_rig(redis_url, unique_prefix) as rig:
        app = create_app(DecisionService(rig.stores, publish, RULES), rig.messenger,
                         signatures=SlackSignatures(SIGNING_SECRET), api_token=API_TOKEN, healthy=lambda: True)
        with producer, TestClient(app) as client:
            yield client, rig, settings


def issue(rig, task):
    """The task as the alerts service would have handled it (chain started, owner DMed)."""
    deliver(AlertsHandler(rig.stores, rig.messenger, RULES), task)


def decisions_for(settings, kafka_tools, task_id):
    codec = codec_from_settings(settings)
    found = [codec.decode(APPROVAL_DECISIONS, r.value) for r in kafka_tools.read_all(APPROVAL_DECISIONS.name)]
    return [d for d in found if d.task_id == task_id]


def test_a_signed_click_publishes_exactly_one_decision_and_updates_the_message(api, kafka_tools, unique_prefix):
    client, rig, settings = api
    task = make_task(task_id=f"{unique_prefix}-click")
    issue(rig, task)
    (post,) = rig.slack.posts()
    body = click_body(task.task_id, "account_owner", 1, channel=post.body["channel"], ts="x", comment="go")
    first = client.post("/slack/interactions", content=body, headers=signed_headers(body))
    assert first.status_code == 200 and first.json()["status"] == "published"
    assert first.json()["chain"] == {"status": "pending", "awaiting": ["finance", "executive"]}
    again = client.post("/slack/interactions", content=body, headers=signed_headers(body))
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    (decision,) = wait_until(lambda: decisions_for(settings, kafka_tools, task.task_id), message="decision on Kafka")
    assert (str(decision.role), decision.verdict, decision.channel, decision.actor_id, decision.comment) == \
        ("account_owner", "approve", "slack", "U0DANA", "go")
    # both answers returned only after their publish was flushed, so a second record would be here now
    assert len(decisions_for(settings, kafka_tools, task.task_id)) == 1
    # the owner's message was updated (no buttons, who approved) and finance/executive were asked
    updates = wait_until(lambda: rig.slack.calls("chat.update"), message="chat.update")
    assert "Approved by <@U0DANA>" in json.dumps(updates[0].body["blocks"])
    assert {p.body["channel"] for p in rig.slack.posts()} >= {"C0FINANCE", "C0EXEC"}
    assert rig.stores.timers.final_state(task.task_id) == "cancelled"


@pytest.mark.parametrize("tamper", ["body", "stale", "secret", "no_headers"])
def test_tampered_or_stale_requests_are_401_and_publish_nothing(api, kafka_tools, unique_prefix, tamper):
    client, rig, settings = api
    task = make_task(task_id=f"{unique_prefix}-bad")
    issue(rig, task)
    body = click_body(task.task_id, "account_owner", 1)
    headers = {
        "body": signed_headers(body),
        "stale": signed_headers(body, timestamp=int(time.time()) - 301),
        "secret": signed_headers(body, secret="another-secret"),
        "no_headers": {"Content-Type": "application/x-www-form-urlencoded"},
    }[tamper]
    sent = body.replace(b"approve", b"reject") if tamper == "body" else body
    response = client.post("/slack/interactions", content=sent, headers=headers)
    assert response.status_code == 401 and response.json()["field"] == "X-Slack-Signature"
    assert decisions_for(settings, kafka_tools, task.task_id) == []
    assert rig.slack.calls("chat.update") == []


def test_a_malformed_signed_request_is_400_with_the_reason_and_publishes_nothing(api, kafka_tools, unique_prefix):
    client, rig, settings = api
    task = make_task(task_id=f"{unique_prefix}-malformed")
    issue(rig, task)
    body = b"payload=" + b"%7B%22type%22%3A%22block_actions%22%7D"  # no actions
    response = client.post("/slack/interactions", content=body, headers=signed_headers(body))
    assert response.status_code == 400 and response.json()["error"] == "payload.actions: missing or empty"
    assert decisions_for(settings, kafka_tools, task.task_id) == []


def test_rest_endpoint_needs_the_token_checks_the_body_and_follows_the_chain(api, kafka_tools, unique_prefix):
    client, rig, settings = api
    task = make_task(task_id=f"{unique_prefix}-rest")
    issue(rig, task)
    url = f"/approvals/{task.task_id}"
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    assert client.post(url, json={"role": "account_owner", "verdict": "approve"}).status_code == 401
    assert client.post(url, json={"role": "account_owner", "verdict": "approve"},
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    bad = client.post(url, json={"role": "account_owner", "verdict": "perhaps"}, headers=auth)
    assert bad.status_code == 400 and bad.json()["field"] == "verdict"
    early = client.post(url, json={"role": "finance", "verdict": "approve"}, headers=auth)
    assert early.status_code == 409 and "not awaited yet" in early.json()["reason"]
    unknown = client.post(f"/approvals/{unique_prefix}-nope", json={"role": "finance", "verdict": "approve"}, headers=auth)
    assert unknown.status_code == 404
    ok = client.post(url, json={"role": "account_owner", "verdict": "changes", "comment": "smaller discount",
                                "actor_id": "usr_dana"}, headers=auth)
    assert ok.status_code == 200 and ok.json()["chain"] == {"status": "changes_requested", "awaiting": ["account_owner"]}
    (decision,) = wait_until(lambda: decisions_for(settings, kafka_tools, task.task_id), message="decision")
    assert (decision.verdict, decision.channel, decision.comment) == ("changes", "api", "smaller discount")
    assert client.get("/healthz").status_code == 200
    assert "saveroute_approvals_requests_total" in client.get("/metrics").text
