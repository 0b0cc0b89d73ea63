"""What a click or an API call asks for, parsed and checked before anything is published.

Slack sends button clicks as a form-encoded `payload` holding a `block_actions` JSON
document; the REST endpoint and the CLI send a small JSON body. Both become one
`DecisionRequest`, or an `ActionError` naming the field and the reason (a 400).
The button ids and the value format are defined here and used by `blocks`.
"""

import json
from typing import Any, Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from saveroute.models.approval import ApprovalVerdict
from saveroute.models.enums import ApprovalRole

ACTION_IDS: dict[str, ApprovalVerdict] = {
    "saveroute_approve": "approve",
    "saveroute_reject": "reject",
    "saveroute_changes": "changes",
}
ACTION_ID_BY_VERDICT: dict[str, str] = {verdict: action for action, verdict in ACTION_IDS.items()}
ACTIONS_BLOCK_ID = "saveroute_actions"
COMMENT_BLOCK_ID = "saveroute_comment"
COMMENT_ACTION_ID = "saveroute_comment_input"
MAX_COMMENT = 3000
MAX_VALUE = 2000  # Slack's limit on a button value


class ActionError(ValueError):
    """A request that cannot be acted on: which field, and why (answered with 400)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


class DecisionRequest(BaseModel):
    """One approver's answer as asked for, before the chain and idempotency checks."""

    model_config = ConfigDict(frozen=True)

    task_id: str
    role: ApprovalRole
    verdict: ApprovalVerdict
    comment: str | None = None
    actor_id: str | None = None
    channel: Literal["slack", "api", "cli"] = "api"
    round: int | None = None  # the round the button was rendered for; None = the current one
    message_channel: str | None = None  # where the clicked message is, to update it
    message_ts: str | None = None
    response_url: str | None = None


def encode_button_value(task_id: str, role: ApprovalRole, round_: int) -> str:
    value = json.dumps({"t": task_id, "r": str(role), "n": round_}, separators=(",", ":"))
    if len(value) > MAX_VALUE:
        raise ValueError(f"task_id: too long for a Slack button value ({len(value)} > {MAX_VALUE})")
    return value


def decode_button_value(value: Any, where: str) -> tuple[str, ApprovalRole, int]:
    if not isinstance(value, str) or not value:
        raise ActionError(where, "missing")
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        raise ActionError(where, "not a saveroute button value (not JSON)") from None
    if not isinstance(data, dict):
        raise ActionError(where, "not a saveroute button value (not an object)")
    task_id, role, round_ = data.get("t"), data.get("r"), data.get("n")
    if not isinstance(task_id, str) or not task_id:
        raise ActionError(f"{where}.t", "task id missing")
    try:
        parsed_role = ApprovalRole(role)
    except ValueError:
        raise ActionError(f"{where}.r", f"unknown role {role!r}") from None
    if not isinstance(round_, int) or isinstance(round_, bool) or round_ < 1:
        raise ActionError(f"{where}.n", f"round must be a positive integer, got {round_!r}")
    return task_id, parsed_role, round_


def _dig(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _comment_from_state(payload: dict[str, Any]) -> str | None:
    values = _dig(payload, "state", "values")
    if not isinstance(values, dict):
        return None
    for block in values.values():
        entry = block.get(COMMENT_ACTION_ID) if isinstance(block, dict) else None
        text = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(text, str) and text.strip():
            return text.strip()[:MAX_COMMENT]
    return None


def _load_payload(body: bytes) -> dict[str, Any]:
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise ActionError("body", "not UTF-8 form data") from None
    payloads = form.get("payload")
    if not payloads:
        raise ActionError("payload", "missing form field (expected application/x-www-form-urlencoded payload=...)")
    if len(payloads) != 1:
        raise ActionError("payload", "given more than once")
    try:
        payload = json.loads(payloads[0])
    except json.JSONDecodeError as exc:
        raise ActionError("payload", f"not valid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(payload, dict):
        raise ActionError("payload", "must be a JSON object")
    return payload


def parse_block_actions(body: bytes) -> DecisionRequest:
    """A Slack interaction request body (already signature-checked) as a decision request."""
    payload = _load_payload(body)
    kind = payload.get("type")
    if kind != "block_actions":
        raise ActionError("payload.type", f"unsupported interaction type {kind!r} (only block_actions)")
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions:
        raise ActionError("payload.actions", "missing or empty")
    for index, action in enumerate(actions):
        if isinstance(action, dict) and action.get("action_id") in ACTION_IDS:
            break
    else:
        raise ActionError("payload.actions", f"no saveroute button (action_id one of {sorted(ACTION_IDS)})")
    task_id, role, round_ = decode_button_value(action.get("value"), f"payload.actions[{index}].value")
    actor = _dig(payload, "user", "id")
    if not isinstance(actor, str) or not actor:
        raise ActionError("payload.user.id", "missing")
    channel = _dig(payload, "container", "channel_id") or _dig(payload, "channel", "id")
    message_ts = _dig(payload, "container", "message_ts") or _dig(payload, "message", "ts")
    response_url = payload.get("response_url")
    return DecisionRequest(
        task_id=task_id, role=role, verdict=ACTION_IDS[action["action_id"]],
        comment=_comment_from_state(payload), actor_id=actor, channel="slack", round=round_,
        message_channel=channel if isinstance(channel, str) else None,
        message_ts=message_ts if isinstance(message_ts, str) else None,
        response_url=response_url if isinstance(response_url, str) and response_url else None,
    )


class _RestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: ApprovalRole
    verdict: ApprovalVerdict
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    actor_id: str | None = Field(default=None, max_length=200)
    channel: Literal["api", "cli"] = "api"


def parse_rest_decision(task_id: str, body: bytes) -> DecisionRequest:
    """The JSON body of `POST /approvals/{task_id}` as a decision request."""
    if not task_id.strip():
        raise ActionError("task_id", "empty")
    try:
        data = json.loads(body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ActionError("body", "not valid JSON") from None
    if not isinstance(data, dict):
        raise ActionError("body", "must be a JSON object")
    try:
        parsed = _RestBody.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise ActionError(field, first["msg"]) from None
    comment = parsed.comment.strip() if parsed.comment else None
    return DecisionRequest(
        task_id=task_id, role=parsed.role, verdict=parsed.verdict, comment=comment or None,
        actor_id=parsed.actor_id, channel=parsed.channel,
    )
