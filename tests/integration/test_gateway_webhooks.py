"""The gateway end to end against a real Kafka-protocol broker and a real Redis.

Real fixture payloads are posted with valid, invalid and stale signatures; each test
reads back exactly what was appended to the canonical topics.
"""

import json
import time
import uuid

import pytest
import stripe
from _pytest.fixtures import FixtureLookupError

from saveroute.ingest.signatures import hubspot_v3_signature, zendesk_signature
from saveroute.stack.processes import LocalBroker, LocalRedis
from saveroute.stack.topics import ensure_topics
from support.gateway_harness import SECRETS, gateway
from support.redis_counting import CountingConnection, counting_client
from support.ingest_fixtures import (
    cancelling_subscription, fixture_bytes, fixture_json, pay_rails_event, stripe_event,
)

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


def _shared_or_local(request, name, factory):
    try:
        return request.getfixturevalue(name)
    except FixtureLookupError:  # running without the suite's conftest: start our own
        server = factory().start()
        request.addfinalizer(server.stop)
        return server.bootstrap if isinstance(server, LocalBroker) else server.url


@pytest.fixture(scope="module")
def infra(request):
    bootstrap = _shared_or_local(request, "kafka_bootstrap", LocalBroker)
    redis_url = _shared_or_local(request, "redis_url", LocalRedis)
    ensure_topics(bootstrap, partitions=3)
    return bootstrap, redis_url


@pytest.fixture
def gw(infra):
    with gateway(*infra) as harness:
        yield harness


def tag() -> str:
    return uuid.uuid4().hex[:10]


def stripe_post(http, event: dict, *, secret=SECRETS["stripe_webhook_secret"], at=None, body=None):
    payload = body if body is not None else json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=at or int(time.time()))
    return http.post("/webhooks/stripe", content=payload.encode(),
                     headers={"Stripe-Signature": header, "Content-Type": "application/json"})


def zendesk_post(http, raw: bytes, *, secret=SECRETS["zendesk_webhook_secret"], ts=None):
    stamp = ts or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return http.post("/webhooks/zendesk", content=raw, headers={
        "X-Zendesk-Webhook-Signature": zendesk_signature(raw, stamp, secret),
        "X-Zendesk-Webhook-Signature-Timestamp": stamp, "Content-Type": "application/json"})


def hubspot_post(http, events: list, *, secret=SECRETS["hubspot_client_secret"], ts_ms=None):
    raw = json.dumps(events).encode()
    stamp = str(ts_ms or int(time.time() * 1000))
    uri = "http://testserver/webhooks/hubspot"
    return http.post("/webhooks/hubspot", content=raw, headers={
        "X-HubSpot-Signature-v3": hubspot_v3_signature("POST", uri, raw, stamp, secret),
        "X-HubSpot-Request-Timestamp": stamp, "Content-Type": "application/json"})


def rejected(metric_text: str, source: str, reason: str) -> float:
    prefix = f'saveroute_gateway_rejected_total{{reason="{reason}",source="{source}"}} '
    line = next(l for l in metric_text.splitlines() if l.startswith(prefix))
    return float(line.split()[-1])


def test_portal_cancellation_lands_as_context_then_signal(gw):
    http, _, tail = gw
    account = f"acc_{tag()}"
    sub = cancelling_subscription("too_expensive", "price is fine, the exports keep failing")
    sub["metadata"] = {"account_id": account, "owner_id": "usr_0263", "owner_name": "Grace Obi"}
    event = stripe_event(f"evt_{tag()}", "customer.subscription.updated", sub,
                         {"cancellation_details": {"feedback": None, "comment": None}})
    response = stripe_post(http, event)
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "published"
    landed = tail.appended()
    assert sorted((r.topic, r.key) for r in landed) == [
        ("saveroute.account-context.v1", account), ("saveroute.signals.v1", account)]
    signal = next(r for r in landed if r.topic == "saveroute.signals.v1")
    assert (signal.value.signal_id, signal.value.reason_code, signal.event_id) == (
        event["id"], "too_expensive", event["id"])
    context = next(r for r in landed if r.topic == "saveroute.account-context.v1").value
    assert (context.owner.name, context.arr, context.currency) == ("Grace Obi", 240.0, "USD")


def test_duplicate_delivery_publishes_once(gw):
    http, _, tail = gw
    event = pay_rails_event(f"evt_{tag()}", "invoice.payment_failed", "invoice.payment_failed")
    first, second = stripe_post(http, event), stripe_post(http, event)
    assert first.status_code == second.status_code == 200
    assert second.json()["results"][0]["status"] == "duplicate"
    landed = tail.appended()
    assert [r.value.signal_id for r in landed if r.topic == "saveroute.signals.v1"] == [event["id"]]
    assert "saveroute_gateway_duplicates_total" in http.get("/metrics").text


def test_old_and_new_stripe_shapes(gw):
    http, _, tail = gw
    deleted = pay_rails_event(f"evt_{tag()}", "customer.subscription.deleted", "subscription.deleted")
    updated = pay_rails_event(f"evt_{tag()}", "customer.subscription.updated", "subscription.updated")
    assert stripe_post(http, deleted).status_code == 200
    assert stripe_post(http, updated).status_code == 200
    landed = tail.appended()
    outcomes = [r.value for r in landed if r.topic == "saveroute.outcomes.v1"]
    assert [(o.outcome_id, o.outcome) for o in outcomes] == [(deleted["id"], "churned")]
    assert not [r for r in landed if r.topic == "saveroute.signals.v1"]  # a plan change is no signal
    contexts = [r for r in landed if r.topic == "saveroute.account-context.v1"]
    assert [c.event_id for c in contexts] == [f"{deleted['id']}#context", f"{updated['id']}#context"]


@pytest.mark.parametrize("case", ["wrong_secret", "stale", "tampered", "missing"])
def test_bad_stripe_signatures_are_401_and_publish_nothing(gw, case):
    http, _, tail = gw
    event = pay_rails_event(f"evt_{tag()}", "invoice.payment_failed", "invoice.payment_failed")
    before = rejected(http.get("/metrics").text, "stripe", "bad_signature")
    if case == "wrong_secret":
        response = stripe_post(http, event, secret="whsec_someone_else")
    elif case == "stale":
        response = stripe_post(http, event, at=int(time.time()) - 3600)
    elif case == "tampered":
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRETS["stripe_webhook_secret"])
        response = http.post("/webhooks/stripe", content=payload.replace("cus_1234", "cus_9999").encode(),
                             headers={"Stripe-Signature": header})
    else:
        response = http.post("/webhooks/stripe", content=json.dumps(event).encode())
    assert response.status_code == 401
    assert tail.appended() == []
    assert rejected(http.get("/metrics").text, "stripe", "bad_signature") == before + 1


def test_unmappable_and_malformed_are_400_with_field(gw):
    http, _, tail = gw
    from support.ingest_fixtures import stripe_resource
    dispute = stripe_event(f"evt_{tag()}", "charge.dispute.created", stripe_resource("dispute"))
    response = stripe_post(http, dispute)
    assert response.status_code == 400 and response.json()["field"] == "data.object.charge"
    garbled = stripe_post(http, {}, body="{not json")
    assert garbled.status_code == 400 and garbled.json()["field"] == "body"
    assert tail.appended() == []
    # the refused event id was not claimed: a fixed delivery still goes through
    dispute["data"]["object"]["metadata"] = {"account_id": f"acc_{tag()}"}
    assert stripe_post(http, dispute).json()["results"][0]["status"] == "published"
    signal = [r for r in tail.appended() if r.topic == "saveroute.signals.v1"]
    assert len(signal) == 1 and "billing dispute" in signal[0].value.reason_text


def test_unknown_type_is_acknowledged_and_counted(gw):
    http, _, tail = gw
    response = stripe_post(http, fixture_json("stripe/stripe-openapi_fixtures3.json")["resources"]["event"])
    assert response.status_code == 200 and response.json()["results"][0]["status"] == "ignored"
    assert 'saveroute_gateway_ignored_total{event_type="plan.created",source="stripe"}' in http.get("/metrics").text
    assert tail.appended() == []


def test_oversize_body_is_413_before_parsing(infra):
    with gateway(*infra, max_body_bytes=2048) as (http, _, tail):
        big = "x" * 4096
        response = http.post("/webhooks/stripe", content=big.encode(), headers={"Stripe-Signature": "t=1,v1=0"})
        assert response.status_code == 413
        assert rejected(http.get("/metrics").text, "stripe", "oversize") >= 1
        assert tail.appended() == []


def test_zendesk_fixtures(gw):
    http, _, tail = gw
    ticket = zendesk_post(http, fixture_bytes("zendesk/go-zendesk_GET_ticket.json"))
    assert ticket.status_code == 200, ticket.text
    user_event = zendesk_post(http, fixture_bytes("zendesk/zendesk-go_webhook_event_user.group_membership_created.json"))
    assert user_event.json()["results"][0]["status"] == "ignored"
    trigger = zendesk_post(http, fixture_bytes("zendesk/zendesk-go_webhook_trigger_ticket_update.json"))
    assert trigger.status_code == 400 and trigger.json()["field"] == "ticket"
    bad = zendesk_post(http, fixture_bytes("zendesk/go-zendesk_GET_ticket.json"), secret="not-it")
    assert bad.status_code == 401
    landed = tail.appended()
    tickets = [r.value for r in landed if r.topic == "saveroute.support-tickets.v1"]
    assert [(t.ticket_id, t.account_id, t.status.value) for t in tickets] == [
        ("2", "zendesk-org:360363695492", "solved")]
    assert not [r for r in landed if r.topic == "saveroute.signals.v1" and r.key == "zendesk-org:360363695492"]


def test_zendesk_vector_body_with_its_published_signature(infra):
    vector = next(v for v in fixture_json("signatures/webhook_signature_vectors.json")["vectors"]
                  if v["provider"] == "zendesk" and v.get("expected_valid"))
    with gateway(*infra, zendesk_webhook_secret=vector["secret"], zendesk_tolerance_s=0) as (http, _, tail):
        response = http.post("/webhooks/zendesk", content=fixture_bytes(vector["body_file"]), headers={
            "X-Zendesk-Webhook-Signature": vector["header_X-Zendesk-Webhook-Signature"],
            "X-Zendesk-Webhook-Signature-Timestamp": vector["header_X-Zendesk-Webhook-Signature-Timestamp"]})
        assert response.status_code == 200, response.text
        assert response.json()["results"][0]["status"] == "ignored"  # a user event, not a ticket
        assert tail.appended() == []


def test_zendesk_cancel_intent_publishes_ticket_and_signal(gw):
    http, _, tail = gw
    account = f"acc_{tag()}"
    detail = dict(fixture_json("zendesk/go-zendesk_GET_ticket.json")["ticket"])
    detail.update(status="open", id=tag(), description="Kami nak cancel, sistem asyik hang!!!")
    body = {"type": "zen:event-type:ticket.created", "id": f"zd-{tag()}", "time": "2026-01-05T16:20:00Z",
            "detail": detail, "event": {}}
    body["detail"]["organization"] = {"external_id": account}
    raw = json.dumps(body).encode()
    assert zendesk_post(http, raw).status_code == 200
    assert zendesk_post(http, raw).json()["results"][0]["status"] == "duplicate"
    landed = [r for r in tail.appended() if r.key == account]
    assert sorted(r.topic for r in landed) == ["saveroute.signals.v1", "saveroute.support-tickets.v1"]
    signal = next(r.value for r in landed if r.topic == "saveroute.signals.v1")
    assert (signal.source.value, signal.kind.value) == ("helpdesk", "cancellation_request")


def test_hubspot_owner_change_completes_a_known_context(gw):
    http, _, tail = gw
    account, company = f"cus_{tag()}", int(time.time() * 1000) % 10_000_000
    sub = cancelling_subscription(None, None)
    sub["metadata"] = {"account_id": account}
    assert stripe_post(http, stripe_event(f"evt_{tag()}", "customer.subscription.created", sub)).status_code == 200
    base = {"subscriptionId": 1, "portalId": 62515, "appId": 5, "subscriptionType": "company.propertyChange",
            "attemptNumber": 0, "objectId": company, "changeSource": "CRM"}
    now_ms = int(time.time() * 1000)
    lone = hubspot_post(http, [{**base, "eventId": now_ms, "occurredAt": now_ms, "objectId": company + 1,
                                "propertyName": "hubspot_owner_id", "propertyValue": "777"}])
    assert lone.json()["results"][0]["status"] == "insufficient_context"
    batch = [{**base, "eventId": now_ms + 1, "occurredAt": now_ms, "propertyName": "saveroute_account_id",
              "propertyValue": account},
             {**base, "eventId": now_ms + 2, "occurredAt": now_ms + 1, "propertyName": "hubspot_owner_id",
              "propertyValue": "777"},
             {**base, "eventId": now_ms + 3, "occurredAt": now_ms + 2, "propertyName": "lifecyclestage",
              "propertyValue": "customer"}]
    response = hubspot_post(http, batch)
    assert [r["status"] for r in response.json()["results"]] == ["published", "published", "ignored"]
    contexts = [r.value for r in tail.appended() if r.topic == "saveroute.account-context.v1" and r.key == account]
    assert [c.owner.id for c in contexts] == ["usr_default", "usr_default", "777"]
    assert contexts[-1].arr == 240.0
    assert hubspot_post(http, batch[:1], ts_ms=now_ms - 400_000).status_code == 401  # older than 5 min
    assert hubspot_post(http, batch[:1], secret="wrong").status_code == 401
    assert tail.appended() == []


def test_a_delivery_costs_redis_and_kafka_round_trips_per_request_not_per_event(infra, monkeypatch):
    from services.gateway.publisher import KafkaPublisher
    publishes = []
    real_publish_all = KafkaPublisher.publish_all
    monkeypatch.setattr(KafkaPublisher, "publish_all",
                        lambda self, events: publishes.append(len(events)) or real_publish_all(self, events))
    with gateway(*infra, redis_client=counting_client(infra[1])) as (http, _, tail):
        def deliver(changes: int) -> tuple[int, list[int], str]:
            account, company, now_ms = f"cus_{tag()}", int(tag()[:6], 16), int(time.time() * 1000)
            sub = cancelling_subscription(None, None)
            sub["metadata"] = {"account_id": account}
            assert stripe_post(http, stripe_event(f"evt_{tag()}", "customer.subscription.created", sub)).status_code == 200
            base = {"portalId": 62515, "subscriptionType": "company.propertyChange", "objectId": company}
            events = [{**base, "eventId": now_ms, "occurredAt": now_ms, "propertyName": "saveroute_account_id",
                       "propertyValue": account}]
            events += [{**base, "eventId": now_ms + n, "occurredAt": now_ms + n, "propertyName": "hubspot_owner_id",
                        "propertyValue": str(n)} for n in range(1, changes)]
            publishes.clear()
            CountingConnection.sends = 0
            response = hubspot_post(http, events)
            assert [r["status"] for r in response.json()["results"]] == ["published"] * changes
            return CountingConnection.sends, list(publishes), account
        few, many = deliver(2), deliver(12)
        assert few[1] == [2] and many[1] == [12]  # one publish (one acknowledgement wait) per request
        assert few[0] == many[0]  # Redis round trips do not grow with the events in a delivery
        contexts = [r.value for r in tail.appended() if r.topic == "saveroute.account-context.v1" and r.key == many[2]]
        assert [c.owner.id for c in contexts] == ["usr_default", "usr_default"] + [str(n) for n in range(1, 12)]


def test_canonical_events_need_the_token_and_valid_models(gw):
    http, _, tail = gw
    account = f"acc_{tag()}"
    body = {"type": "signal", "data": {"signal_id": f"call-{tag()}", "source": "call", "kind": "churn_risk",
                                       "account_id": account, "occurred_at": "2026-01-05T10:00:00Z",
                                       "reason_text": "budget cut"}}
    assert http.post("/events", json=body).status_code == 401
    assert http.post("/events", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    auth = {"Authorization": f"Bearer {SECRETS['api_token']}"}
    bad = http.post("/events", json={**body, "data": {**body["data"], "kind": "rage"}}, headers=auth)
    assert bad.status_code == 400 and bad.json()["field"] == "data.kind"
    assert tail.appended() == []
    assert http.post("/events", json=body, headers=auth).status_code == 200
    assert http.post("/events", json=body, headers=auth).json()["results"][0]["status"] == "duplicate"
    assert [r.value.signal_id for r in tail.appended()] == [body["data"]["signal_id"]]
    assert http.get("/healthz").json() == {"status": "ok"}


def test_kafka_down_is_503_and_the_retry_publishes(infra):
    from saveroute.stack.processes import free_port
    prefix = f"test:{uuid.uuid4().hex}:"
    event = pay_rails_event(f"evt_{tag()}", "invoice.payment_failed", "invoice.payment_failed")
    dead = f"127.0.0.1:{free_port()}"
    with gateway(dead, infra[1], with_tail=False, gateway_key_prefix=prefix, delivery_wait_s=1.0,
                 kafka_overrides={"message.timeout.ms": 1500}) as (http, _, _tail):
        assert stripe_post(http, event).status_code == 503
    with gateway(*infra, gateway_key_prefix=prefix) as (http, _, tail):
        response = stripe_post(http, event)
        assert response.json()["results"][0]["status"] == "published"  # the claim was given back
        assert [r.value.signal_id for r in tail.appended()] == [event["id"]]
