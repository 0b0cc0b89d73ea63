"""The Block Kit messages of the owner loop, built from a task and its chain state.

One builder per message: the approval request (to the owner, staff or a role
channel), and the manager escalation. Everything the approver needs to act without
reading a transcript is in the message; buttons carry task id, role and round.
`to_plain_text` renders any message readably for the no-token (print) mode.
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from saveroute.models.approval import ApprovalDecision, ApprovalTask
from saveroute.models.approval_chain import ApprovalChainState
from saveroute.models.enums import ApprovalRole, Path
from saveroute.models.escalation import Escalation
from saveroute.owner.actions import (
    ACTION_ID_BY_VERDICT,
    ACTIONS_BLOCK_ID,
    COMMENT_ACTION_ID,
    COMMENT_BLOCK_ID,
    encode_button_value,
)
from saveroute.owner.chain import FINAL_STATUSES, ChainRules, stages
from saveroute.owner.deadlines import epoch_seconds
from saveroute.owner.mrkdwn import (
    FIELD_LIMIT, HEADER_LIMIT, SECTION_LIMIT, TEXT_LIMIT, escape, from_markdown, plain, trim,
)

VERDICT_WORDS = {"approve": "Approved", "reject": "Rejected", "changes": "Changes requested"}
STATUS_MARKS = {"approved": "✅", "awaiting": "⏳", "later": "▫️"}


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` / `chat.update` is given: fallback text and blocks."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


_ACRONYMS = {"roi": "ROI", "csm": "CSM", "sla": "SLA", "arr": "ARR"}
_SLACK_TOKEN = re.compile(r"<(!date\^[^|>]*|@|https?://)([^|>]*)(?:\|([^>]*))?>")


def _words(value: object) -> str:
    words = [_ACRONYMS.get(w.lower(), w.lower()) for w in str(value).replace("_", " ").split()]
    if words:
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def slack_date(moment: datetime) -> str:
    """A Slack date token: shown in the reader's time zone, ISO text as fallback."""
    iso = moment.isoformat().replace("+00:00", "Z")
    return f"<!date^{int(epoch_seconds(moment))}^{{date_short_pretty}} {{time}}|{iso}>"


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "unknown"
    return f"{currency or ''} {amount:,.0f}".strip()


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": trim(text, SECTION_LIMIT)}}


def _fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": trim(f"*{k}*\n{v}", FIELD_LIMIT)} for k, v in pairs[:10]],
    }


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": trim(text, SECTION_LIMIT)}]}


def _account(task: ApprovalTask) -> str:
    return task.account_name or task.account_id


def _case_fields(task: ApprovalTask) -> list[tuple[str, str]]:
    """The facts both the approver's and the manager's message show."""
    return [
        ("ARR", _money(task.arr, task.currency)),
        ("Renewal", escape(task.renewal_date or "unknown")),
        ("Cause", f"{_words(task.cause)} ({task.confidence:.0%} confidence)"),
        ("Recommended path", _words(task.path)),
    ]


def _evidence(task: ApprovalTask) -> dict[str, Any]:
    return _section("*Evidence*\n" + "\n".join(f"• {escape(e)}" for e in task.evidence))


def chain_line(state: ApprovalChainState, rules: ChainRules) -> str:
    """`✅ account_owner → ⏳ finance + executive → ▫️ legal`."""
    parts = []
    for step in stages(state.approvers, rules):
        marks = []
        for role in step:
            key = "approved" if role in state.approved else "awaiting" if role in state.awaiting else "later"
            marks.append(f"{STATUS_MARKS[key]} {role}")
        parts.append(" + ".join(marks))
    return " → ".join(parts)


def _status_line(state: ApprovalChainState) -> str | None:
    comment = f": “{escape(state.comment)}”" if state.comment else ""
    if state.status == "approved":
        return "✅ *Approved* by every approver."
    if state.status == "rejected":
        return f"⛔ *Rejected* by {state.last_role}{comment}"
    if state.status == "changes_requested":
        return f"↩️ *Changes requested* by {state.last_role}{comment} — back to {state.awaiting[0]} (round {state.round})."
    return None


def _buttons(task_id: str, role: ApprovalRole, round_: int) -> list[dict[str, Any]]:
    value = encode_button_value(task_id, role, round_)
    approve = {"type": "button", "action_id": ACTION_ID_BY_VERDICT["approve"], "value": value,
               "style": "primary", "text": {"type": "plain_text", "text": "Approve"}}
    reject = {"type": "button", "action_id": ACTION_ID_BY_VERDICT["reject"], "value": value,
              "style": "danger", "text": {"type": "plain_text", "text": "Reject"},
              "confirm": {"title": {"type": "plain_text", "text": "Reject this save play?"},
                          "text": {"type": "mrkdwn", "text": "The case is closed without a save attempt."},
                          "confirm": {"type": "plain_text", "text": "Reject"},
                          "deny": {"type": "plain_text", "text": "Back"}}}
    changes = {"type": "button", "action_id": ACTION_ID_BY_VERDICT["changes"], "value": value,
               "text": {"type": "plain_text", "text": "Request changes"}}
    comment = {"type": "input", "block_id": COMMENT_BLOCK_ID, "optional": True,
               "label": {"type": "plain_text", "text": "Comment (what should change, or why)"},
               "element": {"type": "plain_text_input", "action_id": COMMENT_ACTION_ID, "multiline": True}}
    return [comment, {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": [approve, reject, changes]}]


def task_message(
    task: ApprovalTask,
    role: ApprovalRole,
    state: ApprovalChainState,
    rules: ChainRules,
    *,
    offer_catalogue: Mapping[str, str] | None = None,
    note: str | None = None,
) -> SlackMessage:
    """The approval request for `role`; buttons only while that role's answer is awaited."""
    account = _account(task)
    sensitive = task.path == Path.staff_escalation or bool(task.sensitive)
    icon = ":rotating_light:" if sensitive else ":inbox_tray:"
    title = f"Save case: {account}" if role == state.approvers[0] else f"Approval needed ({role}): {account}"
    owner = escape(task.owner_name or task.owner_id or "unassigned")
    if task.owner_slack_user_id:
        owner += f" (<@{task.owner_slack_user_id}>)"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(f"{icon} {title}", HEADER_LIMIT), "emoji": True}},
        _fields([
            ("Account", f"{escape(account)} (`{escape(task.account_id)}`)"),
            *_case_fields(task),
            ("Due", slack_date(task.due_at)),
            ("Owner", owner),
            ("Segment", escape(_words(task.segment)) if task.segment else "unknown"),
        ]),
    ]
    if sensitive:
        labels = ", ".join(str(s) for s in task.sensitive) or "staff escalation"
        blocks.append(_section(f":warning: *Sensitive:* {labels}. No offer is drafted; staff handles the reply."))
    if task.evidence:
        blocks.append(_evidence(task))
    catalogue = offer_catalogue or {}
    if task.offer_types:
        options = [
            f"{i}. *{_words(o)}*" + (f" — {escape(catalogue[o])}" if o in catalogue else "")
            for i, o in enumerate(task.offer_types, 1)
        ]
        blocks.append(_section("*Offer options* (best first)\n" + "\n".join(options)))
    else:
        blocks.append(_section("*Offer options*\nNo offer drafted for this path."))
    blocks.append(_section(f"*Approval chain* (round {state.round})\n{chain_line(state, rules)}"))
    status = _status_line(state)
    if status:
        blocks.append(_section(status))
    if task.save_play_markdown:
        blocks.append(_section("*Save play*\n" + from_markdown(task.save_play_markdown)))
    if note:
        blocks.append(_context(note))
    if role in state.awaiting and state.status not in FINAL_STATUSES:
        blocks.extend(_buttons(task.task_id, role, state.round))
    blocks.append(_context(
        f"Task `{escape(task.task_id)}` · revision {task.revision} · policy {escape(task.policy_version)} · source {escape(task.source)}"
    ))
    text = plain(
        f"{title} — {_words(task.cause)}, {_words(task.path)}, due {task.due_at.isoformat()}", TEXT_LIMIT
    )
    return SlackMessage(text=text, blocks=blocks)


def decision_note(decision: ApprovalDecision) -> str:
    """A line recording who answered what, shown under the updated message."""
    who = f"<@{decision.actor_id}>" if decision.channel == "slack" and decision.actor_id else escape(decision.actor_id or "someone")
    comment = f": “{escape(decision.comment)}”" if decision.comment else ""
    return f"{VERDICT_WORDS[decision.verdict]} by {who} as {decision.role} via {decision.channel} at {slack_date(decision.decided_at)}{comment}"


def escalation_message(escalation: Escalation, task: ApprovalTask | None, manager_slack_id: str | None) -> SlackMessage:
    """The manager's alert: an owner missed the deadline on a save case."""
    account = escalation.account_name or escalation.account_id
    manager = f"<@{manager_slack_id}>" if manager_slack_id else escape(escalation.escalate_to_id or "the owner's manager")
    owner = escape((task.owner_name if task else None) or escalation.owner_id or "the owner")
    awaiting = ", ".join(str(r) for r in escalation.awaiting) or "the owner"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": plain(f":alarm_clock: Overdue save case: {account}", HEADER_LIMIT), "emoji": True}},
        _section(
            f"{manager}: *{owner}* has not answered this save case; it was due {slack_date(escalation.due_at)}. "
            f"Waiting for: {awaiting}. Save rates fall fast after 48 hours — please step in."
        ),
    ]
    if task is not None:
        blocks.append(_fields(_case_fields(task)))
        if task.evidence:
            blocks.append(_evidence(task))
    blocks.append(_context(f"Task `{escape(escalation.task_id)}` · escalation `{escape(escalation.escalation_id)}`"))
    return SlackMessage(text=plain(f"Overdue save case: {account} (due {escalation.due_at.isoformat()})", TEXT_LIMIT), blocks=blocks)


def _terminal(text: str) -> str:
    """Slack tokens as a terminal shows them: dates as ISO, mentions as @id, links as text (url)."""
    def one(match: re.Match[str]) -> str:
        head, body, label = match.group(1), match.group(2), match.group(3)
        if head.startswith("!date"):
            return label or body
        if head == "@":
            return "@" + body
        return f"{label} ({head}{body})" if label else head + body
    return html.unescape(_SLACK_TOKEN.sub(one, text))


def _text_of(obj: Any) -> str:
    return _terminal(obj.get("text", "")) if isinstance(obj, dict) else ""


def to_plain_text(message: SlackMessage) -> str:
    """A readable rendering of a message for terminals (the no-token print mode)."""
    lines: list[str] = []
    for block in message.blocks:
        kind = block.get("type")
        if kind == "header":
            text = _text_of(block.get("text"))
            lines += [text, "=" * min(len(text), 72)]
        elif kind == "section":
            if "text" in block:
                lines.append(_text_of(block["text"]))
            for item in block.get("fields", []):
                lines.append(_text_of(item).replace("\n", ": ", 1))
        elif kind == "context":
            lines.append("  " + " ".join(_text_of(e) for e in block.get("elements", [])))
        elif kind == "input":
            lines.append(f"[{_text_of(block.get('label'))}: ______]")
        elif kind == "actions":
            lines.append("  ".join(f"[{_text_of(e.get('text'))}]" for e in block.get("elements", [])))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
