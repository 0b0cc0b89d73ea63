"""POST /events bodies validated against the shared models; errors name the field."""

import pytest

from saveroute import topics
from saveroute.ingest.canonical import parse_canonical
from saveroute.ingest.errors import MappingError

SIGNAL = {"signal_id": "call-1", "source": "call", "kind": "churn_risk", "account_id": "acc_1",
          "occurred_at": "2026-01-05T10:00:00Z", "reason_text": "budget cut"}


def test_signal_is_keyed_by_account_with_its_own_id():
    mapped = parse_canonical({"type": "signal", "data": SIGNAL})
    (event,) = mapped.events
    assert (event.topic, event.key, event.event_id, mapped.event_id) == (
        topics.SIGNALS, "acc_1", "call-1", "call-1")


def test_outcome_ticket_and_context():
    outcome = parse_canonical({"type": "outcome", "data": {
        "outcome_id": "o1", "account_id": "acc_1", "outcome": "saved",
        "occurred_at": "2026-01-05T10:00:00Z", "retained_arr": 1000}})
    assert outcome.events[0].topic is topics.OUTCOMES and outcome.event_id == "o1"
    ticket = parse_canonical({"type": "support_ticket", "data": {
        "ticket_id": "t1", "account_id": "acc_1", "status": "open", "created_at": "2026-01-05T10:00:00Z"}})
    assert ticket.event_id == "ticket:t1:2026-01-05T10:00:00+00:00"
    context = parse_canonical({"type": "account_context", "data": {
        "account_id": "acc_1", "arr": 1, "currency": "USD", "owner": {"id": "u", "name": "U"},
        "as_of": "2026-01-05T10:00:00Z"}})
    assert context.events[0].topic is topics.ACCOUNT_CONTEXT


@pytest.mark.parametrize("body,field", [
    ([], "body"), ({"type": "decision", "data": {}}, "type"), ({"type": "signal"}, "data"),
    ({"type": "signal", "data": {**SIGNAL, "kind": "rage_quit"}}, "data.kind"),
    ({"type": "signal", "data": {**SIGNAL, "occurred_at": "noon"}}, "data.occurred_at"),
    ({"type": "support_ticket", "data": {"ticket_id": "t", "status": "open",
                                         "created_at": "2026-01-05T10:00:00Z"}}, "data.account_id"),
])
def test_invalid_bodies_name_the_field(body, field):
    with pytest.raises(MappingError) as err:
        parse_canonical(body)
    assert err.value.field == field
