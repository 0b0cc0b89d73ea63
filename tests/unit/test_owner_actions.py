"""Parsing clicks and API bodies into decision requests; Slack signatures against the shared vectors."""

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from saveroute.owner.actions import ActionError, encode_button_value, parse_block_actions, parse_rest_decision
from saveroute.owner.signatures import SlackSignatures

VECTORS = Path("/work/shared/fixtures/signatures/webhook_signature_vectors.json")
SUPERSET = Path("/work/shared/fixtures/slack/java-slack-sdk_BlockActionPayload.superset.json")


def slack_vector() -> dict:
    data = json.loads(VECTORS.read_text()) if VECTORS.exists() else None
    if data is None:
        pytest.skip("shared signature vectors not present")
    return next(v for v in data["vectors"] if v["provider"] == "slack")


def click(action_id="saveroute_approve", value=None, comment=None, **extra) -> bytes:
    payload = {
        "type": "block_actions", "user": {"id": "U0DANA", "username": "dana"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "D0DANA"},
        "response_url": "https://hooks.slack.com/actions/T0/1/abc",
        "actions": [{"type": "button", "action_id": action_id, "block_id": "saveroute_actions",
                     "value": value if value is not None else encode_button_value("task_1", "account_owner", 1)}],
    }
    if comment is not None:
        payload["state"] = {"values": {"saveroute_comment": {"saveroute_comment_input": {"type": "plain_text_input", "value": comment}}}}
    payload.update(extra)
    return urlencode({"payload": json.dumps(payload)}).encode()


def test_signature_vector_from_slack_docs_verifies_and_its_negatives_fail():
    vector = slack_vector()
    ts = int(vector["header_X-Slack-Request-Timestamp"])
    headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": vector["header_X-Slack-Signature"]}
    body = vector["body"].encode()
    at_signing = SlackSignatures(vector["secret"], now=lambda: ts)
    assert vector["expected_valid"] and at_signing.is_valid(body, headers)
    assert at_signing.sign(body, ts) == vector["header_X-Slack-Signature"]
    for case in vector["negative_cases"]:
        checker = SlackSignatures(vector["secret"], now=lambda: case.get("now", ts))
        assert not checker.is_valid(case.get("body", vector["body"]).encode(), headers), case["why"]


def test_missing_or_malformed_signature_headers_fail_without_raising():
    checker = SlackSignatures("secret", now=lambda: 1700000000)
    assert not checker.is_valid(b"x", {})
    assert not checker.is_valid(b"x", {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"})
    assert not checker.is_valid(b"x", {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=00"})


def test_a_click_becomes_a_decision_request():
    request = parse_block_actions(click("saveroute_changes", comment="  cap the discount at 10%  "))
    assert (request.task_id, str(request.role), request.verdict, request.round) == ("task_1", "account_owner", "changes", 1)
    assert request.comment == "cap the discount at 10%" and request.actor_id == "U0DANA" and request.channel == "slack"
    assert (request.message_channel, request.message_ts) == ("D0DANA", "1700000000.000100")


def test_the_java_sdk_superset_payload_parses_only_as_not_ours():
    if not SUPERSET.exists():
        pytest.skip("shared Slack fixtures not present")
    body = urlencode({"payload": SUPERSET.read_text()}).encode()
    with pytest.raises(ActionError) as error:
        parse_block_actions(body)
    assert error.value.field == "payload.actions"


@pytest.mark.parametrize("body, field", [
    (b"", "payload"),
    (b"payload=%7Bnot-json", "payload"),
    (urlencode({"payload": "[]"}).encode(), "payload"),
    (urlencode({"payload": json.dumps({"type": "view_submission"})}).encode(), "payload.type"),
    (click(action_id="other_button"), "payload.actions"),
    (click(value="not json"), "payload.actions[0].value"),
    (click(value=json.dumps({"t": "task_1", "r": "ceo", "n": 1})), "payload.actions[0].value.r"),
    (click(value=json.dumps({"t": "task_1", "r": "finance", "n": 0})), "payload.actions[0].value.n"),
    (click(user={}), "payload.user.id"),
])
def test_malformed_clicks_name_the_field(body, field):
    with pytest.raises(ActionError) as error:
        parse_block_actions(body)
    assert error.value.field == field and error.value.reason


def test_rest_body_parses_and_bad_bodies_name_the_field():
    request = parse_rest_decision("task_1", json.dumps({"role": "finance", "verdict": "reject", "comment": "no", "actor_id": "usr_f"}).encode())
    assert (str(request.role), request.verdict, request.comment, request.channel, request.round) == ("finance", "reject", "no", "api", None)
    for body, field in [
        (b"{", "body"), (b"[]", "body"), (json.dumps({"verdict": "approve"}).encode(), "role"),
        (json.dumps({"role": "finance", "verdict": "maybe"}).encode(), "verdict"),
        (json.dumps({"role": "finance", "verdict": "approve", "extra": 1}).encode(), "extra"),
    ]:
        with pytest.raises(ActionError) as error:
            parse_rest_decision("task_1", body)
        assert error.value.field == field
