"""Zendesk webhook mapping: tickets become context, intent to leave becomes a signal."""

import json

import pytest

from saveroute import topics
from saveroute.ingest import zendesk as zd
from saveroute.ingest.errors import MappingError
from saveroute.ingest.intent import PHRASES, match_intent
from support.ingest_fixtures import fixture_bytes, fixture_json


def ticket_created(description: str, org: str = "360363695492") -> dict:
    detail = dict(fixture_json("zendesk/go-zendesk_GET_ticket.json")["ticket"])
    detail.update(status="OPEN", description=description, organization_id=org, id="2")
    return {"type": "zen:event-type:ticket.created", "account_id": 12514403, "id": "01HZ-created-1",
            "time": "2026-01-05T16:20:00Z", "zendesk_event_version": "2022-11-06",
            "subject": "zen:ticket:2", "detail": detail, "event": {}}


def mapped_of(body: dict):
    raw = json.dumps(body).encode()
    return zd.map_webhook(json.loads(raw), raw)


def test_api_shaped_ticket_fixture_is_support_context_only():
    raw = fixture_bytes("zendesk/go-zendesk_GET_ticket.json")
    mapped = zd.map_webhook(json.loads(raw), raw)
    assert [e.topic for e in mapped.events] == [topics.SUPPORT_TICKETS]
    ticket = mapped.events[0].value
    assert (ticket.ticket_id, ticket.status.value, ticket.account_id) == (
        "2", "solved", "zendesk-org:360363695492")
    assert ticket.csat is None and ticket.subject.startswith("Mail to create")
    assert mapped.event_id.startswith("zd-trigger-")
    assert zd.map_webhook(json.loads(raw), raw).event_id == mapped.event_id  # same bytes, same id


def test_non_ticket_event_fixture_is_ignored():
    raw = fixture_bytes("zendesk/zendesk-go_webhook_event_user.group_membership_created.json")
    mapped = zd.map_webhook(json.loads(raw), raw)
    assert not mapped.handled and mapped.event_type == "user.group_membership_created"
    assert mapped.event_id == "6b9bbadf-5725-4e92-bebe-7b71011bf5f1"


def test_free_form_trigger_fixture_without_ticket_is_unmappable():
    raw = fixture_bytes("zendesk/zendesk-go_webhook_trigger_ticket_update.json")
    with pytest.raises(MappingError) as err:
        zd.map_webhook(json.loads(raw), raw)
    assert err.value.field == "ticket"


def test_malay_cancel_intent_becomes_a_helpdesk_signal():
    text = "Hi, kami nak cancel langganan bulan depan sebab bos tak approve bajet."
    mapped = mapped_of(ticket_created(text))
    signal = next(e for e in mapped.events if e.topic is topics.SIGNALS)
    assert (signal.value.source.value, signal.value.kind.value) == ("helpdesk", "cancellation_request")
    assert signal.value.signal_id == "01HZ-created-1" and signal.key == "zendesk-org:360363695492"
    assert text in signal.value.reason_text and mapped.notes == ("ms_nak_cancel",)
    ticket = next(e for e in mapped.events if e.topic is topics.SUPPORT_TICKETS)
    assert ticket.event_id == "01HZ-created-1#ticket" and ticket.value.status.value == "open"


def test_not_renewing_is_churn_risk_and_plain_question_is_no_signal():
    risk = mapped_of(ticket_created("We are not renewing next quarter."))
    assert [e.value.kind.value for e in risk.events if e.topic is topics.SIGNALS] == ["churn_risk"]
    plain = mapped_of(ticket_created("How do I export my invoices to CSV?"))
    assert [e.topic for e in plain.events] == [topics.SUPPORT_TICKETS]


def test_comment_added_signals_only_for_public_customer_comments():
    body = ticket_created("Export question")
    body.update(type="zen:event-type:ticket.comment_added", id="01HZ-comment-1",
                event={"comment": {"id": "9", "body": "Please terminate our contract.",
                                   "is_public": True, "author": {"is_staff": False}}})
    assert any(e.topic is topics.SIGNALS for e in mapped_of(body).events)
    body["event"]["comment"]["author"]["is_staff"] = True
    assert not any(e.topic is topics.SIGNALS for e in mapped_of(body).events)


def test_status_change_never_signals_even_if_the_description_says_cancel():
    body = ticket_created("I want to cancel")
    body["type"] = "zen:event-type:ticket.status_changed"
    assert [e.topic for e in mapped_of(body).events] == [topics.SUPPORT_TICKETS]


def test_recommended_trigger_body():
    body = {"account_id": "acc_kopi", "latest_comment": "Tolong stop langganan kami.",
            "ticket": {"id": "77", "status": "Open", "priority": "High", "subject": "Langganan",
                       "created_at": "2026-01-05T10:00:00Z", "updated_at": "2026-01-05T11:00:00Z",
                       "tags": "billing sla_breached", "satisfaction": "Bad"}}
    mapped = mapped_of(body)
    ticket = next(e.value for e in mapped.events if e.topic is topics.SUPPORT_TICKETS)
    assert (ticket.account_id, ticket.priority.value, ticket.sla_breached, ticket.csat.value) == (
        "acc_kopi", "high", True, "bad")
    signal = next(e.value for e in mapped.events if e.topic is topics.SIGNALS)
    assert signal.reason_text == "Tolong stop langganan kami." and signal.account_id == "acc_kopi"


@pytest.mark.parametrize("change,field", [
    ({"status": "weird"}, "detail.status"), ({"created_at": None}, "detail.created_at"),
    ({"organization_id": None}, "detail.organization_id"), ({"id": None}, "detail.id"),
    ({"created_at": "yesterday"}, "detail.created_at"),
])
def test_bad_ticket_fields_name_the_field(change, field):
    body = ticket_created("hello")
    body["detail"].update(change)
    with pytest.raises(MappingError) as err:
        mapped_of(body)
    assert err.value.field == field


@pytest.mark.parametrize("text,phrase_id", [
    ("we'll have to cancel", "en_cancel"), ("Cancelling if it's not fixed", "en_cancel"),
    ("kami terpaksa cancel sebab", "ms_nak_cancel"), ("please close our account", "en_stop_subscription"),
    ("Saya nak batalkan langganan", "ms_batal_langganan"), ("kami tak renew tahun ni", "ms_tak_renew"),
    ("We won't renew", "en_not_renewing"), ("moving to a competitor", "en_switching"),
])
def test_intent_phrases(text, phrase_id):
    assert match_intent(text).phrase_id == phrase_id


def test_intent_phrase_ids_are_unique_and_silence_is_no_match():
    assert len({p.phrase_id for p in PHRASES}) == len(PHRASES)
    assert match_intent(None) is None and match_intent("the renewal went fine") is None
