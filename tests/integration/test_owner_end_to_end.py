"""End to end on the local stack: a task on Kafka -> a Slack post -> a signed click -> a decision -> the next step,
and the metrics service counting the owner's response time."""

import threading

import pytest
from fastapi.testclient import TestClient

import redis

from saveroute.measurement import CountingRules, MeasurementSettings, Vocabularies
from saveroute.models import ApprovalDecision
from saveroute.policy import load_policy
from saveroute.owner.signatures import SlackSignatures
from saveroute.runtime import EventProducer, Stage, StageRunner
from saveroute.runtime.codec import codec_from_settings
from saveroute.topics import APPROVAL_CHAINS, APPROVAL_DECISIONS, APPROVAL_TASKS
from services.alerts.handler import INPUTS, AlertsHandler, event_id
from services.approvals.app import create_app
from services.approvals.submit import DecisionService
from services.metrics.handler import INPUTS as METRICS_INPUTS
from services.metrics.handler import MetricsHandler
from services.metrics.handler import event_id as metrics_event_id
from services.metrics.state import RedisBackend
from support.owner_factories import make_task
from support.owner_harness import RULES, SIGNING_SECRET, click_body, owner_rig, signed_headers
from support.runtime_tools import wait_until

pytestmark = pytest.mark.integration


def test_task_to_slack_to_click_to_decision_to_next_approvers(runtime_settings, redis_url, kafka_tools, unique_prefix):
    settings = runtime_settings()
    task = make_task(task_id=f"{unique_prefix}-e2e", account_id=f"acct-{unique_prefix}")
    with owner_rig(redis_url, unique_prefix) as rig, EventProducer(settings) as producer:
        runner = StageRunner(Stage("alerts", INPUTS, AlertsHandler(rig.stores, rig.messenger, RULES), event_id), settings)
        thread = threading.Thread(target=runner.run, daemon=True)
        thread.start()
        policy = load_policy()
        backend = RedisBackend(redis.Redis.from_url(redis_url), f"{unique_prefix}:measurement:", 3600)
        rules = CountingRules(Vocabularies(tuple(policy.offers.catalogue), "USD"), MeasurementSettings(),
                              policy.thresholds.margin_floor_pct)
        metrics_settings = runtime_settings(group_id=f"{unique_prefix}-metrics")
        metrics = StageRunner(Stage("metrics", METRICS_INPUTS, MetricsHandler(backend, rules), metrics_event_id),
                              metrics_settings)
        metrics_thread = threading.Thread(target=metrics.run, daemon=True)
        metrics_thread.start()
        try:
            producer.publish(APPROVAL_TASKS, task.account_id, task, event_id=task.task_id)
            producer.flush(30)
            (post,) = wait_until(lambda: [p for p in rig.slack.posts() if task.task_id in str(p.body["blocks"])],
                                 message="the owner's Slack message")

            def publish(key: str, decision: ApprovalDecision) -> None:
                producer.publish(APPROVAL_DECISIONS, key, decision, event_id=decision.decision_id)
                producer.flush(30.0)

            app = create_app(DecisionService(rig.stores, publish, RULES), rig.messenger,
                             signatures=SlackSignatures(SIGNING_SECRET), api_token=None, healthy=lambda: True)
            button = next(b for b in post.body["blocks"] if b["type"] == "actions")["elements"][0]
            assert button["action_id"] == "saveroute_approve"
            body = click_body(task.task_id, "account_owner", 1, channel=post.body["channel"])
            with TestClient(app) as client:
                assert client.post("/slack/interactions", content=body, headers=signed_headers(body)).status_code == 200

            codec = codec_from_settings(settings)

            def chain_states():
                records = kafka_tools.read_all(APPROVAL_CHAINS.name)
                states = [codec.decode(APPROVAL_CHAINS, r.value) for r in records]
                return [s for s in states if s.task_id == task.task_id]

            states = wait_until(lambda: (lambda s: s if len(s) >= 2 else None)(chain_states()), message="two chain steps")
            assert [[str(r) for r in s.awaiting] for s in states] == [["account_owner"], ["finance", "executive"]]
            decisions = [codec.decode(APPROVAL_DECISIONS, r.value) for r in kafka_tools.read_all(APPROVAL_DECISIONS.name)]
            assert [(d.task_id, d.verdict) for d in decisions if d.task_id == task.task_id] == [(task.task_id, "approve")]
            wait_until(lambda: {"C0FINANCE", "C0EXEC"} <= {p.body["channel"] for p in rig.slack.posts()},
                       message="finance and executive asked")
            # The metrics service saw the task and the owner's first answer, and counted the response time.
            wait_until(lambda: backend.client.exists(f"{backend.prefix}responded:{task.task_id}") or None,
                       message="the owner's response recorded by the metrics service")
            counted = wait_until(
                lambda: [v for k, v in backend.totals().items()
                         if k.startswith("saveroute_owner_response_seconds_count|") and task.cause.value in k.split("|")
                         and v >= 1] or None,
                message="owner response time counted")
            assert counted
        finally:
            runner.request_stop()
            metrics.request_stop()
            thread.join(60)
            metrics_thread.join(60)
