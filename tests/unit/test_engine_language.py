"""How the classifier reads real traffic: negation, contrast, sarcasm, typos, Malay-English."""

import pytest

from saveroute.engine import decide
from saveroute.models import Scenario
from saveroute.policy import load_policy

from tests.support.engine_data import scenario

POLICY = load_policy()


def decision(text, **kwargs):
    return decide(Scenario.model_validate(scenario(text, **kwargs)), POLICY)


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("too expensive", "commercial"),
        ("It's not the price, it's that nobody on the team uses it.", "value"),
        ("honestly the price was never the issue, the sync keeps failing and drops orders", "product_fit"),
        ("It's a bit pricey, sure, but the real problem is that since our sponsor left nobody here owns it.", "relationship"),
        ("We're not going to another vendor. The event was cancelled for this year, we'll be back next season.", "timing"),
        ("Three weeks waiting on the same ticket, still no update and the same canned reply.", "service"),
        ("We were acquired last month and the new parent company is reviewing every vendor.", "customer_change"),
        ("They did a demo with another provider and have a written quote 20% lower; asked us to match.", "competitive"),
        ("Way too complicated for a small team, we spent more time configuring it than using it.", "product_fit"),
        ("Great tool, I'm sure. Couldn't tell you, nobody here has opened it since the kickoff.", "value"),
        ("too expensvie for us", "commercial"),
        ("Bukan sebab harga. Masalahnya support takde update langsung dah tiga minggu.", "service"),
        ("Team jarang sangat guna, susah nak justify kat management.", "value"),
        ("Kami nak pause langganan masa cuti sekolah, Januari nanti sambung balik.", "timing"),
        ("idk. just cancel it", "unclear"),
    ],
)
def test_cause_from_words(text, cause):
    assert decision(text).cause.value == cause


def test_budget_language_with_collapsed_usage_is_value():
    text = "Finance cut the budget for tools like this and we are on the list."
    healthy = decision(text, account={"seats_active": 10, "usage_trend_pct_30d": 2})
    collapsed = decision(text, account={"seats_active": 2, "usage_trend_pct_30d": -60})
    assert healthy.cause.value == "commercial"
    assert collapsed.cause.value == "value"


def test_reason_code_the_text_contradicts():
    d = decision("The price is fine. The exports keep failing every week.", signal={"reason_code": "too_expensive"})
    assert d.cause.value == "product_fit"
    assert [e.value for e in d.evidence_issues] == ["contradictory"]
    assert d.path.value == "human_review"
    agrees = decision("way too expensive for us", signal={"reason_code": "too_expensive"})
    assert agrees.evidence_issues == [] and agrees.path.value == "commercial_review"


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("you people are clowns, the app STILL crashes. f*** this", ["angry"]),
        ("Love that 'priority support' apparently means three weeks. Not renewing if this drags on.", []),
        ("Ini kali ketiga saya complain!!! Memang tak boleh harap langsung. Saya nak REFUND.", ["refund", "angry"]),
        ("I know there's no refund on the unused months, that's fine.", []),
        ("Our legal team will need to review the new order form as usual.", []),
        ("Curt but not abusive. Wants every record we hold about him deleted.", ["data_deletion"]),
        ("We will not pay this invoice as issued and are disputing it.", ["billing_dispute"]),
    ],
)
def test_sensitive_flags(text, flags):
    assert [s.value for s in decision(text).sensitive] == flags


def test_grief_and_hardship_go_to_a_person():
    grief = decision("Her husband died suddenly in April and she is closing the studio; she was tearful.")
    assert grief.path.value == "human_review" and "route.distress.grief" in grief.rules
    happy = decision("We're closing the bakery after 22 wonderful years and retiring to the coast!")
    assert happy.cause.value == "customer_change" and happy.path.value == "clean_exit"
    temporary = decision("Two clinics close for renovation until September, then we carry on as normal.")
    assert temporary.cause.value == "timing" and temporary.path.value != "clean_exit"


def test_evidence_quotes_the_customer():
    d = decision("It's not the price, it's that nobody uses it.")
    assert any("nobody uses" in e for e in d.evidence)
    assert any("rules out commercial" in e for e in d.evidence)


def test_no_words_falls_back_to_account_evidence():
    d = decision(None, signal={"source": "crm", "kind": "churn_risk"}, account={"champion_status": "departed"})
    assert d.cause.value == "relationship"
    nothing = decision(None, signal={"source": "crm", "kind": "churn_risk"})
    assert nothing.cause.value == "unclear" and nothing.path.value == "human_review"


def test_accented_words_match_the_lexicon_spelling():
    """'café' is read as the lexicon's 'cafe'; words the lexicon itself spells with accents stay."""
    from saveroute.engine.text.matcher import matcher_for

    assert matcher_for(POLICY).tokens("Café Noël, Preiserhöhung").texts == ["cafe", "noël", "preiserhöhung"]
    d = decision("We're closing the café at the end of March, my partner and I are retiring.")
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit"
