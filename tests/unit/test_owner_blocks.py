"""The Block Kit messages: what the owner sees, the buttons, Slack's limits, the print rendering."""

import json

from saveroute.owner.actions import ACTIONS_BLOCK_ID, COMMENT_ACTION_ID, decode_button_value
from saveroute.owner.blocks import chain_line, decision_note, escalation_message, task_message, to_plain_text
from saveroute.owner.chain import ChainRules, apply, start
from saveroute.owner.deadlines import escalation_for
from saveroute.owner.mrkdwn import from_markdown, trim
from support.owner_factories import T0, make_decision, make_task

RULES = ChainRules(parallel_review=True)


def texts(message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def actions_block(message):
    found = [b for b in message.blocks if b["type"] == "actions"]
    return found[0] if found else None


def test_owner_message_carries_everything_needed_to_decide():
    task = make_task()
    message = task_message(task, "account_owner", start(task, RULES), RULES,
                           offer_catalogue={"roi_review": "Walk through the value delivered"})
    body = texts(message)
    assert message.blocks[0]["type"] == "header" and "Acme Analytics" in message.blocks[0]["text"]["text"]
    for expected in ("USD 260,000", "2026-03-23", "Commercial (82% confidence)", "Commercial review",
                     "Dana Reyes (<@U0DANA>)", "budget cut for Q3", "1. *ROI review* — Walk through the value delivered",
                     "2. *Payment terms*", "⏳ account_owner → ▫️ finance + ▫️ executive → ▫️ legal",
                     "*Diagnosis*", "*Budget cut*, ROI not shown.", "ROI review · CSM", "Task `task_acme_1`"):
        assert expected in body, expected
    assert "<!date^1772528400^" in body  # due time as a Slack date token (T0 + 24 h)
    assert "Commercial review" in message.text and "due 2026-03-03" in message.text


def test_buttons_carry_task_role_and_round_and_a_comment_box_precedes_them():
    task = make_task()
    message = task_message(task, "account_owner", start(task, RULES), RULES)
    actions = actions_block(message)
    assert actions["block_id"] == ACTIONS_BLOCK_ID
    assert [e["action_id"] for e in actions["elements"]] == ["saveroute_approve", "saveroute_reject", "saveroute_changes"]
    assert [e["text"]["text"] for e in actions["elements"]] == ["Approve", "Reject", "Request changes"]
    assert actions["elements"][0]["style"] == "primary" and actions["elements"][1]["style"] == "danger"
    assert "confirm" in actions["elements"][1]
    for element in actions["elements"]:
        assert decode_button_value(element["value"], "value") == ("task_acme_1", "account_owner", 1)
    comment = message.blocks[message.blocks.index(actions) - 1]
    assert comment["type"] == "input" and comment["element"]["action_id"] == COMMENT_ACTION_ID


def test_no_buttons_for_a_role_not_awaited_and_a_note_after_a_decision():
    task = make_task()
    decision = make_decision(task, "account_owner", channel="slack", comment="go ahead")
    state = apply(start(task, RULES), decision, RULES).state
    owner_view = task_message(task, "account_owner", state, RULES, note=decision_note(decision))
    assert actions_block(owner_view) is None
    assert "Approved by <@U0ACTOR> as account_owner via slack" in texts(owner_view)
    finance_view = task_message(task, "finance", state, RULES)
    assert finance_view.blocks[0]["text"]["text"].endswith("Approval needed (finance): Acme Analytics")
    assert decode_button_value(actions_block(finance_view)["elements"][0]["value"], "v") == ("task_acme_1", "finance", 1)
    assert chain_line(state, RULES) == "✅ account_owner → ⏳ finance + ⏳ executive → ▫️ legal"


def test_changes_requested_shows_the_request_and_new_round_buttons():
    task = make_task()
    state = apply(start(task, RULES), make_decision(task, "account_owner"), RULES).state
    state = apply(state, make_decision(task, "finance", "changes", comment="cap at 10%"), RULES).state
    message = task_message(task, "account_owner", state, RULES)
    assert "Changes requested* by finance: “cap at 10%” — back to account_owner (round 2)" in texts(message)
    assert decode_button_value(actions_block(message)["elements"][0]["value"], "v")[2] == 2


def test_sensitive_case_says_so_and_drafts_no_offer():
    task = make_task(path="staff_escalation", approvers=["staff"], offer_types=[], sensitive=["legal", "refund"])
    message = task_message(task, "staff", start(task, RULES), RULES)
    body = texts(message)
    assert ":rotating_light:" in message.blocks[0]["text"]["text"]
    assert "*Sensitive:* legal, refund" in body and "No offer drafted" in body


def test_long_content_is_trimmed_to_slack_limits_and_text_is_escaped():
    task = make_task(account_name="A" * 400, evidence=["<script> & " + "x" * 5000],
                     save_play_markdown="## Play\n" + "\n".join(f"- step {i} " + "y" * 80 for i in range(200)))
    message = task_message(task, "account_owner", start(task, RULES), RULES)
    assert len(message.blocks[0]["text"]["text"]) <= 150
    for block in message.blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
    body = texts(message)
    assert "&lt;script&gt; &amp;" in body and "<script>" not in body
    assert "… (trimmed)" in body and len(message.blocks) <= 50


def test_markdown_becomes_mrkdwn():
    assert from_markdown("# Title\n**bold** and [docs](https://x.io)\n| a | b |\n|---|---|") == "*Title*\n*bold* and <https://x.io|docs>\na · b"
    assert trim("line one\nline two\nline three", 20, suffix="…") == "line one\nline two…"


def test_escalation_message_names_manager_owner_and_due_time():
    task = make_task()
    escalation = escalation_for(task, start(task, RULES), T0.replace(day=4))
    message = escalation_message(escalation, task, "U0MIA")
    body = texts(message)
    assert "Overdue save case: Acme Analytics" in message.blocks[0]["text"]["text"]
    assert "<@U0MIA>: *Dana Reyes* has not answered" in body and "Waiting for: account_owner" in body
    assert actions_block(message) is None and escalation.escalation_id in body
    without_slack_id = texts(escalation_message(escalation, None, None))
    assert "usr_mia: *usr_dana* has not answered" in without_slack_id


def test_plain_text_rendering_is_readable():
    task = make_task()
    rendered = to_plain_text(task_message(task, "account_owner", start(task, RULES), RULES))
    assert "Save case: Acme Analytics" in rendered and "*Due*: 2026-03-03T09:00:00Z" in rendered
    assert "Dana Reyes (@U0DANA)" in rendered and "[Approve]  [Reject]  [Request changes]" in rendered
    assert "&amp;" not in rendered and "<!date" not in rendered
