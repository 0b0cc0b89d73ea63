"""HubSpot company property changes → account context patches, merged into full contexts."""

import pytest

from saveroute.ingest import hubspot as hs
from saveroute.ingest.context import ContextResolver, MemoryContextStore, merge_facts
from saveroute.ingest.errors import MappingError
from saveroute.models import Owner

T0 = 1767630000000


def change(prop, value, event_id=1, company=42, kind="company.propertyChange"):
    return {"eventId": event_id, "subscriptionId": 9, "portalId": 62515, "appId": 5,
            "occurredAt": T0 + event_id, "subscriptionType": kind, "attemptNumber": 0,
            "objectId": company, "changeSource": "CRM", "propertyName": prop, "propertyValue": value}


def test_batch_maps_each_event_with_its_own_id():
    mapped = hs.map_webhook([change("hubspot_owner_id", "123", 1), change("saveroute_arr", "60000", 2),
                             change("lifecyclestage", "customer", 3), change("x", "y", 4, kind="contact.creation")])
    assert [m.event_id for m in mapped] == ["hubspot-62515-1", "hubspot-62515-2", "hubspot-62515-3",
                                            "hubspot-62515-4"]
    assert [m.handled for m in mapped] == [True, True, False, False]
    assert mapped[0].patches[0].fields == {"owner": {"id": "123"}}
    assert mapped[0].patches[0].alias == "hubspot-company:42"
    assert mapped[1].patches[0].fields == {"arr": 60000.0}


def test_partial_change_without_prior_context_is_insufficient():
    resolver = ContextResolver(MemoryContextStore())
    resolved = resolver.resolve(hs.map_event(change("hubspot_owner_id", "123")).patches[0])
    assert resolved.context is None and "arr" in resolved.missing


def test_owner_change_merges_onto_the_linked_billing_context():
    store = MemoryContextStore()
    resolver = ContextResolver(store, Owner(id="usr_default", name="Default"))
    store.save("cus_1", {"account_id": "cus_1", "arr": 3600.0, "currency": "USD", "plan": "Starter",
                         "as_of": "2026-01-01T00:00:00+00:00"})
    link = resolver.resolve(hs.map_event(change("saveroute_account_id", "cus_1", 1)).patches[0])
    assert link.account_id == "cus_1" and link.context.owner.id == "usr_default"
    owner = resolver.resolve(hs.map_event(change("hubspot_owner_id", "555", 2)).patches[0])
    assert owner.account_id == "cus_1"
    assert (owner.context.owner.id, owner.context.arr, owner.context.plan) == ("555", 3600.0, "Starter")
    segment = resolver.resolve(hs.map_event(change("saveroute_segment", "Mid-Market", 3)).patches[0])
    assert segment.context.segment.value == "mid_market" and segment.context.owner.id == "555"
    renewal = resolver.resolve(hs.map_event(change("saveroute_renewal_date", "1776211200000", 4)).patches[0])
    assert renewal.context.renewal_date.isoformat() == "2026-04-15"


def test_facts_gathered_before_the_link_move_to_the_account():
    store = MemoryContextStore()
    resolver = ContextResolver(store)
    resolver.resolve(hs.map_event(change("hubspot_owner_id", "555", 1)).patches[0])
    store.save("cus_2", {"account_id": "cus_2", "arr": 100.0, "currency": "EUR",
                         "as_of": "2026-01-01T00:00:00+00:00"})
    linked = resolver.resolve(hs.map_event(change("saveroute_account_id", "cus_2", 2)).patches[0])
    assert linked.context.owner.id == "555" and linked.context.currency == "EUR"


def test_owner_name_survives_when_the_id_is_unchanged():
    prior = {"owner": {"id": "1", "name": "Grace Obi", "email": "g@example.com"}}
    assert merge_facts(prior, {"owner": {"id": "1"}})["owner"]["name"] == "Grace Obi"
    assert merge_facts(prior, {"owner": {"id": "2"}})["owner"] == {"id": "2", "name": "2"}


@pytest.mark.parametrize("event,field", [
    (change("saveroute_segment", "galactic"), "[0].propertyValue"),
    (change("saveroute_arr", "lots"), "[0].propertyValue"),
    ({**change("name", "x"), "eventId": None}, "[0].eventId"),
    ({**change("name", "x"), "occurredAt": "later"}, "[0].occurredAt"),
    ("not an object", "[0]"),
])
def test_bad_events_name_the_field(event, field):
    with pytest.raises(MappingError) as err:
        hs.map_webhook([event])
    assert err.value.field == field


def test_custom_property_map():
    mapped = hs.map_event(change("arr_usd", "1200"), property_fields={"arr_usd": "arr"})
    assert mapped.patches[0].fields == {"arr": 1200.0}
