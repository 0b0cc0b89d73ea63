"""The alerts handler against a real Redis and the fake Slack server: posts, updates, retries."""

import pytest

from saveroute.owner.blocks import SlackMessage, to_plain_text
from saveroute.runtime import Ok
from saveroute.runtime.errors import TransientError
from saveroute.topics import APPROVAL_CHAINS
from services.alerts.handler import AlertsHandler
from support.owner_factories import make_decision, make_task
from support.owner_harness import RULES, deliver, owner_rig

pytestmark = pytest.mark.integration


@pytest.fixture
def rig(redis_url, unique_prefix):
    with owner_rig(redis_url, unique_prefix) as rig:
        yield rig


def handler_for(rig):
    return AlertsHandler(rig.stores, rig.messenger, RULES)


def test_task_is_dmed_to_the_owner_once_with_the_case_and_buttons(rig, unique_prefix):
    handler = handler_for(rig)
    task = make_task(task_id=f"{unique_prefix}-task")
    result = deliver(handler, task)
    assert isinstance(result, Ok) and [o.topic for o in result.outputs] == [APPROVAL_CHAINS]
    assert [str(r) for r in result.outputs[0].value.awaiting] == ["account_owner"]
    (opened,) = rig.slack.calls("conversations.open")
    assert opened.body["users"] == "U0DANA"
    (post,) = rig.slack.posts()
    assert post.body["channel"] == "D0DANA" and post.headers["authorization"] == f"Bearer {rig.slack.token}"
    blocks = post.body["blocks"]
    assert "Acme Analytics" in blocks[0]["text"]["text"]
    assert [e["action_id"] for e in blocks[-2]["elements"]] == ["saveroute_approve", "saveroute_reject", "saveroute_changes"]
    assert "USD 260,000" in str(blocks) and "budget cut for Q3" in str(blocks)
    # redelivered: no second post, no update; the chain step it re-emits is the identical snapshot
    again = deliver(handler, task)
    assert [o.value for o in again.outputs] == [o.value for o in result.outputs]
    assert len(rig.slack.posts()) == 1 and rig.slack.calls("chat.update") == []
    # a higher revision updates the existing message instead of posting
    deliver(handler, make_task(task_id=task.task_id, revision=2, offer_types=["roi_review"]))
    (update,) = rig.slack.calls("chat.update")
    assert len(rig.slack.posts()) == 1 and update.body["ts"] == post_ts(rig) and "round 2" in str(update.body["blocks"])


def post_ts(rig):
    (message_key,) = [k for k, m in rig.slack.messages.items()]
    return message_key[1]


def test_rate_limited_post_is_retried_after_retry_after_and_posted_exactly_once(rig, unique_prefix):
    rig.slack.fail_next(2, status=429, retry_after=1)
    result = deliver(handler_for(rig), make_task(task_id=f"{unique_prefix}-429", owner_slack_user_id=None))
    assert isinstance(result, Ok)
    assert len(rig.slack.calls("chat.postMessage", status=429)) == 2  # both 429s were retried
    assert len(rig.slack.posts()) == 1 and rig.slack.posts()[0].body["channel"] == "C0DEFAULT"
    assert rig.slack.posts()[0].at - rig.slack.requests[0].at >= 1.0  # waited for Retry-After


def test_an_outage_is_transient_and_a_later_retry_posts_once(redis_url, unique_prefix):
    with owner_rig(redis_url, unique_prefix, max_retries=1) as rig:
        handler = handler_for(rig)
        task = make_task(task_id=f"{unique_prefix}-down", owner_slack_user_id=None)
        rig.slack.fail_next(2, status=500)  # the first try and its one retry
        with pytest.raises(TransientError):
            deliver(handler, task)
        assert rig.slack.posts() == []
        deliver(handler, task)  # the runtime redelivers the batch
        deliver(handler, task)
        assert len(rig.slack.posts()) == 1


def test_sensitive_case_goes_to_the_staff_channel_not_the_owner(rig, unique_prefix):
    task = make_task(task_id=f"{unique_prefix}-staff", path="staff_escalation", approvers=["staff"],
                     offer_types=[], sensitive=["legal"])
    deliver(handler_for(rig), task)
    (post,) = rig.slack.posts()
    assert post.body["channel"] == "C0STAFF" and rig.slack.calls("conversations.open") == []
    assert "Sensitive:* legal" in str(post.body["blocks"])


def test_owner_approval_updates_the_dm_and_asks_finance_and_executive_in_parallel(rig, unique_prefix):
    handler = handler_for(rig)
    task = make_task(task_id=f"{unique_prefix}-chain")
    deliver(handler, task)
    result = deliver(handler, make_decision(task, "account_owner", channel="slack"))
    state = result.outputs[0].value
    assert state.status == "pending" and [str(r) for r in state.awaiting] == ["finance", "executive"]
    assert sorted(p.body["channel"] for p in rig.slack.posts()) == ["C0EXEC", "C0FINANCE", "D0DANA"]
    (update,) = rig.slack.calls("chat.update")
    assert update.body["channel"] == "D0DANA" and "saveroute_approve" not in str(update.body["blocks"])
    assert "Approved by <@U0ACTOR> as account_owner" in str(update.body["blocks"])
    assert rig.stores.timers.final_state(task.task_id) == "cancelled"
    # the same decision redelivered sends nothing more to Slack
    before = len(rig.slack.requests)
    deliver(handler, make_decision(task, "account_owner", channel="slack"))
    assert len(rig.slack.requests) == before


def test_escalation_is_sent_to_the_manager_once(rig, unique_prefix):
    from datetime import timedelta

    from saveroute.owner.deadlines import escalation_for

    handler = handler_for(rig)
    task = make_task(task_id=f"{unique_prefix}-esc")
    deliver(handler, task)
    escalation = escalation_for(task, rig.stores.chains.state(task.task_id, RULES), task.due_at + timedelta(minutes=1))
    deliver(handler, escalation)
    deliver(handler, escalation)
    manager_posts = [p for p in rig.slack.posts() if "Overdue" in str(p.body["blocks"])]
    assert len(manager_posts) == 1
    assert [c.body["users"] for c in rig.slack.calls("conversations.open")] == ["U0DANA", "U0MIA"]
    assert "Overdue save case" in to_plain_text(SlackMessage(text="", blocks=manager_posts[0].body["blocks"]))
