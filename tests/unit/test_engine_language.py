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


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        # a group-wide platform consolidation after a takeover is the customer changing
        ("Since the takeover, head office wants one system across all sites and has told each branch to justify its software.",
         "customer_change"),
        ("Kami dah merge dengan group lain, management baru nak review semua vendor.", "customer_change"),
        # losing a big contract and letting people go is downsizing, not a value gap
        ("we lost the hospital catering contract so we had to let 12 staff go, need fewer seats", "customer_change"),
        ("Hilang kontrak besar bulan lepas, terpaksa buang pekerja. Nak kurangkan user.", "customer_change"),
        # a franchisor's levy and a savings drive while usage grows is a price problem
        ("Usage is up and the staff love the app, but head office put up the royalty fees so every store must find savings.",
         "commercial"),
        ("kos naik, kena jimat. boleh bagi diskaun sikit?", "commercial"),
        # a competitor tried side by side and preferred, even when cheaper is denied
        ("Not about money. We ran Routemaster alongside you for six weeks and their scheduling screen is just better.",
         "competitive"),
        ("we've moved our client bookings to SlotHero, please close the account", "competitive"),
        # a system that freezes under load is a product fault, not a service failure
        ("the till freezes every friday night during the dinner rush, we lose orders", "product_fit"),
        ("sistem selalu hang masa peak, order sangkut", "product_fit"),
        # a temporary hold until something on the customer's side is back
        ("I'm stepping back from the business for at least four months after my surgery; please hold the account.",
         "timing"),
        ("we won't be needing it till the new kitchen opens in spring", "timing"),
        # never adopted: the team still runs on paper
        ("Coaches still do the rosters on a whiteboard, we never really got it off the ground.", "value"),
        # the product's own limits: one location only
        ("Your stock module only supports one warehouse and we need multi location stock by January.", "product_fit"),
    ],
)
def test_general_situations(text, cause):
    assert decision(text).cause.value == cause


def test_formal_competitor_quote_with_move_or_match_is_competitive():
    d = decision("We have a formal quote from Parcelio that comes in well below what we pay you. Match it or we move "
                 "in the new year.", signal={"kind": "price_concession_request", "requested_discount_pct": 20})
    assert d.cause.value == "competitive" and d.path.value == "competitive_defense"


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("We have retained Hollis Grant LLP regarding the master services agreement; direct all correspondence to them.",
         ["legal"]),
        ("Following the outages we are reviewing the contract with our solicitors and reserve our rights.", ["legal"]),
        ("Termination for cause is on the table after three missed SLAs.", ["legal"]),
        # a lawyer mentioned as a customer's line of business is not a threat
        ("We're a two-partner law practice and the software is too expensive for us.", []),
    ],
)
def test_legal_wording(text, flags):
    assert [s.value for s in decision(text).sensitive] == flags


def test_disagreeing_with_a_price_is_not_denying_it():
    """'never agreed to the new price' disputes the price; the negation belongs to the agreeing."""
    d = decision("We never agreed to the new per-user price and will cancel if it stands.")
    assert d.cause.value == "commercial"
    assert "commercial" not in [h.label for h in d.classification.cues if h.negated]


def test_data_export_question_before_cancelling_names_no_cause():
    d = decision("before we cancel, can we export our customer records? dont want to lose them")
    assert d.cause.value == "unclear" and d.path.value == "human_review"


def test_refusing_to_discuss_names_no_cause():
    assert decision("We do not wish to discuss the renewal. Please cancel.").cause.value == "unclear"


def test_closing_for_good_is_a_walk_away_and_not_a_temporary_closure():
    for text in ("Shutting the bakery for good in May, the lease ends and we won't be reopening.",
                 "Kedai tutup for good hujung bulan ni, tak buka semula."):
        d = decision(text)
        assert d.cause.value == "customer_change" and d.path.value == "clean_exit", text
    temporary = decision("Closing the studio for eight weeks for a refit, we reopen in March.")
    assert temporary.path.value != "clean_exit"


def test_hardship_in_malay_english_goes_to_a_person():
    d = decision("bisnes tengah susah, bank dah tarik overdraft, tak tahu boleh survive ke tak. stop dulu ya.")
    assert d.classification.distress == "hardship" and d.path.value == "human_review"
    assert d.cause.value == "commercial"


def test_a_cue_that_holds_its_own_negation_does_not_deny_the_next():
    """'never logged in' is value evidence; its 'never' does not reach on to deny 'nobody wants to own it'."""
    d = decision("Since our sponsor retired the staff have never logged in and nobody wants to own the renewal.")
    assert d.cause.value == "relationship"
    assert not [h for h in d.classification.cues if h.label == "relationship" and h.negated]


def test_a_capitalised_name_is_not_corrected_into_a_cue():
    from saveroute.engine.text.matcher import matcher_for

    words = matcher_for(POLICY).tokens("Spoke to Salmah about the renewal. Expensvie for us.").texts
    assert "salmah" in words and "expensive" in words  # a name mid-sentence stays; a typo that opens one is fixed


@pytest.mark.parametrize(
    ("word", "lexicon_word"),
    [("floors", "floods"), ("mungkin", "mungkir"), ("talking", "taking"), ("property", "properly"),
     ("retail", "retain"), ("alasan", "atasan"), ("content", "contest"),
     ("padankan", "padamkan")],  # an ordinary word with a Malay suffix (match it), not "delete it"
)
def test_an_ordinary_word_is_not_rewritten_into_a_cue_word(word, lexicon_word):
    from saveroute.engine.text.matcher import matcher_for

    matcher = matcher_for(POLICY)
    assert lexicon_word in matcher.typos.vocabulary  # the near-miss the corrector used to make
    assert matcher.tokens(f"we have {word} here").texts[2] == word


def test_typos_are_still_fixed_and_plurals_still_read_as_the_lexicon_word():
    from saveroute.engine.text.matcher import matcher_for

    texts = matcher_for(POLICY).tokens("paymnet failed again, the invoices are wrong").texts
    assert texts[0] == "payment" and "invoice" in texts


def test_an_ordinary_word_does_not_make_a_cause_or_distress():
    """Two co-working floors are not a flood; 'mungkin' (maybe) is not a broken promise."""
    floors = decision("We run two co-working floors and the members book rooms every day. "
                      "Since our champion left nobody here owns the tool.")
    assert floors.cause.value == "relationship" and floors.path.value == "relationship_rebuild"


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("The ops director who picked us left for a competitor in June and her replacement hasn't been appointed.",
         "relationship"),
        ("Their new CFO asked for competitive bids; two vendors presented their proposals on Monday.", "competitive"),
        ("Please assign a different CSM, the current one keeps pitching add-on modules on every call.", "relationship"),
        ("The fit-out project finished in March and the next build starts in the autumn, so drop us to two seats "
         "and we'll scale back up then.", "timing"),
        ("A new headteacher started in September and is changing the business model to online-only tuition.",
         "customer_change"),
        ("Report exports time out whenever the date range is longer than a month.", "product_fit"),
    ],
)
def test_more_general_situations(text, cause):
    assert decision(text).cause.value == cause


def test_a_lone_model_vote_does_not_pick_a_save_path():
    """Words no rule reads leave the case unclear for a person; the similar-cases model only re-weighs
    causes the rules or the account evidence support."""
    d = decision("Following our board meeting on Thursday we have decided that we will not be continuing with you "
                 "after the current term and would be grateful if you could confirm the final date in writing.")
    assert d.cause.value == "unclear" and d.path.value == "human_review"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # a card issuer or bank asked to look into or pull back a charge is a chargeback in the making
        ("We've raised the last three charges with our credit card provider. Do not take any more money from this card.",
         "billing_dispute"),
        ("Kami dah minta bank reverse bayaran bulan lepas. Jangan potong duit lagi.", "billing_dispute"),
        ("finance will reverse the charges this week, cancel everything", "billing_dispute"),
        # deletion asked for without the word "delete"
        ("close the account and get rid of everything you store about us", "data_deletion"),
        ("Please purge all of our customer records from your systems and confirm when done.", "data_deletion"),
        ("Tolong padamkan semua data pelanggan kami, ikut PDPA.", "data_deletion"),
        # fury without the usual swear words, masked profanity, Malay swearing
        ("I am done being polite. THREE weeks and NOTHING. Don't ever call me again.", "angry"),
        ("what a f***ing shambles", "angry"),
        ("sistem bodo ni asyik hang, celaka betul", "angry"),
        # lawyers and money back in new words
        ("The March filing never went out and we were fined. Our lawyers are looking at the agreement.", "legal"),
        ("Payroll ran twice for October. Our solicitor has been copied on this email.", "legal"),
        ("Your outage cost us a day of sales and we expect you to reimburse the penalty in full.", "refund"),
        ("Eight months and nothing delivered. I want every ringgit of the setup fee back.", "refund"),
    ],
)
def test_indirect_sensitive_wording(text, flag):
    d = decision(text)
    assert flag in [s.value for s in d.sensitive] and d.path.value == "staff_escalation", text


@pytest.mark.parametrize(
    "text",
    [
        "No chargeback, no drama, just cancel at the end of the month.",
        "We moved banks so please take future payments from the new card.",
        "Let me be clear about the timeline: we close the books in June.",
        "Before we go, can we export our client list as a csv?",
    ],
)
def test_near_misses_are_not_sensitive(text):
    assert decision(text).sensitive == []


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("Two weeks into a pilot of RotaBee at our Leeds site, it does the shift swaps automatically.", "competitive"),
        ("Boss dah sign dengan Kedaipro, bulan depan kita stop.", "competitive"),
        ("Their commission is 8% against your 12% and the owners like their app.", "competitive"),
        ("The practice was sold to a new owner who wants to run it with her own systems.", "customer_change"),
        ("Syarikat dah tukar strategi, team marketing dah dibubarkan.", "customer_change"),
        ("New management has changed direction and wound down the events team entirely.", "customer_change"),
        ("We've hit the 50 user cap and are sharing logins across the branches to get round it.", "product_fit"),
        ("The plan only allows three locations and we just opened our fifth.", "product_fit"),
        ("Third account manager in a year and none of them knows our setup.", "relationship"),
        ("Since Priya was promoted to the regional role her replacement hasn't once returned our calls.", "relationship"),
        ("She wouldn't say why they're leaving, only that they're still working it out.", "unclear"),
        ("before we leave how do we get our invoices and customer list out?", "unclear"),
    ],
)
def test_holdout7_situations_in_new_words(text, cause):
    assert decision(text).cause.value == cause


@pytest.mark.parametrize(
    "text",
    [
        "The booking confirmation emails stopped sending yesterday, the log says pending.",
        "Reminder tak sampai kat customer sejak semalam, log tulis queued je.",
        "Password reset links expire straight away instead of after an hour like the setting says.",
        "the report totals vanished after the update, happened twice now",
    ],
)
def test_a_specific_malfunction_raised_at_the_helpdesk_is_a_support_task(text):
    d = decision(text, signal={"source": "helpdesk"})
    assert d.cause.value == "product_fit" and d.path.value == "support_task"


def test_retiring_with_nobody_to_take_it_on_is_a_walk_away():
    d = decision("After 30 years I'm retiring. The bakery closes its doors on Friday and nobody in the family "
                 "is taking it on.")
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit"


def test_a_funeral_business_is_a_trade_not_a_bereavement():
    d = decision("Budget for software is frozen until the new financial year; please move Ashby Funeral Directors "
                 "to the free plan until then.")
    assert not any(r.startswith(("classify.distress", "route.distress")) for r in d.rules)
    assert d.cause.value == "timing" and d.path.value == "pause_or_downgrade"


@pytest.mark.parametrize(
    "text",
    [
        "Our warehouse burned down last week. We'll rebuild but I don't know when. Please pause us.",
        "Kilang kami terbakar minggu lepas. Nak stop dulu sampai siap bina semula.",
    ],
)
def test_a_premises_disaster_with_a_planned_return_is_timing_for_a_person(text):
    d = decision(text)
    assert d.cause.value == "timing" and d.path.value == "human_review"


def test_a_departed_champion_under_a_new_owner_is_the_change_not_the_relationship():
    text = "Marta bought the salon from the founder in May and wants to run the place her own way, on paper."
    d = decision(text, account={"champion_status": "departed"})
    assert d.cause.value == "customer_change"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Raised it with Amex, they're investigating the charges. Stop charging us.", "billing_dispute"),
        ("We expect all copies of our patient data destroyed within 30 days, as the contract requires.", "data_deletion"),
        ("Ops is halfway through a 30-day trial with a rival platform.", "competitive"),
        ("ShopLine only takes 2.5% per order versus your 4%, we've started moving our catalogue to them.", "competitive"),
        ("The trust has merged our two schools and the new executive head is picking one system for both.",
         "customer_change"),
        ("We've had four different CSMs in 18 months and have to explain our setup every time.", "relationship"),
        ("We signed up to the annual plan last year and nobody uses it.", "value"),
        ("The salon is closing at Christmas for two weeks, we'll be back in January.", "timing"),
    ],
)
def test_second_wording_of_the_same_situations(text, expected):
    d = decision(text)
    assert expected in [s.value for s in d.sensitive] + [d.cause.value]


def test_a_business_closing_with_no_buyer_is_a_walk_away():
    d = decision("I'm retiring and the practice is closing at the end of the year, no buyer found.")
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit"


def test_phrases_are_respelt_like_the_text_they_match():
    from saveroute.engine.text.matcher import respell

    spelling = {"its": "it's", "kat": "dekat"}
    assert respell("lost (the|our|its) ... contract", spelling) == [
        "lost (the|our) ... contract", "lost it's ... contract"]
    assert respell("kat hospital", spelling) == ["dekat hospital"]
    assert respell("(its|it's) own", spelling) == ["it's own"]
    # an option of several words cannot sit in a one-word alternation: it becomes its own phrase
    assert respell("(joined|moved to) a rival", spelling) == ["(joined) a rival", "moved to a rival"]
    assert decision("Our ops lead went to a competitor in May and nobody else here knows the system.",
                    account={"champion_status": "departed"}).cause.value == "relationship"
    # "its" in the text becomes "it 's", so a cue written with "its" now matches
    d = decision("Our charity lost its biggest contract in March and is making half the team redundant.")
    assert d.cause.value == "customer_change"


@pytest.mark.parametrize(
    ("text", "account", "expected"),
    [
        # a misprint that keeps coming back is a product fault, however often it has happened
        ("Fourth time this month the invoices have printed with the wrong VAT amount and your patch didn't help.",
         {}, "product_fit"),
        ("The receipts keep coming out with the wrong totals, third time this week.", {}, "product_fit"),
        ("Resit keluar dengan harga salah lagi, dah fix tapi masih sama.", {}, "product_fit"),
        ("The till prints the wrong date on every receipt since Monday.", {}, "product_fit"),
        # ... while counting one's own chasing is still about support
        ("Third time asking for an update on my ticket, nobody replies.", {}, "service"),
        ("Ini kali ketiga saya complain pasal support lambat balas.", {}, "service"),
        # sarcasm about an unused tool, and 'N of our M people opened it'
        ("Lovely, the priciest paperweight we own. Three of our fifteen coaches have logged in since spring.",
         {"seats_active": 3, "seats_purchased": 15, "usage_trend_pct_30d": -70}, "value"),
        ("Cuma dua orang je guna sistem ni sejak Ogos, yang lain tak sentuh pun.",
         {"seats_active": 2, "usage_trend_pct_30d": -60}, "value"),
        # the next season as a deadline for a gap is not a pause
        ("The scheduler caps every tutor at 25 sessions a week and can't handle group lessons, we're keeping a "
         "parallel spreadsheet. Need this fixed before next season.", {}, "product_fit"),
        ("We want to come back next season, please pause until then.", {}, "timing"),
        # a lost grant with branches closing and staff cut is the customer shrinking
        ("The trust lost its main council grant, so it's closing 4 of its 9 centres and headcount goes from 40 to 22.",
         {}, "customer_change"),
        ("Syarikat kami hilang geran utama, tutup 3 dari 8 cawangan dan pekerja dikurangkan.", {}, "customer_change"),
        # the usual contact moved to another branch: a relationship gap, not a switch
        ("Encik Faiz yang selalu uruskan akaun dah pindah ke pejabat Penang. Sekarang takde siapa tahu pasal sistem ni.",
         {"champion_status": "departed"}, "relationship"),
        ("Our practice manager was transferred to the Leeds clinic and nobody here knows how the rota tool works. "
         "Could someone explain it to our new manager?", {"champion_status": "departed"}, "relationship"),
        ("Kami dah pindah ke sistem lain.", {}, "competitive"),
        # can't justify a price *rise* is commercial; can't justify the spend on an unused tool stays value
        ("price went up 20% and we cant justify that increase for a tiny studio, love the app though", {}, "commercial"),
        ("Harga naik lagi, susah nak justify kenaikan tu untuk kedai kecil.", {}, "commercial"),
        ("We can't justify the spend when only three people log in.",
         {"seats_active": 3, "usage_trend_pct_30d": -60}, "value"),
    ],
)
def test_holdout8_situations_in_new_words(text, account, expected):
    assert decision(text, account=account or True).cause.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kedai ni kami tutup hujung tahun, anak-anak tak nak sambung. Terima kasih semua.",
        "Saya dah 70, dah sampai masa bersara. Bengkel ni saya tutup terus bulan depan.",
        "I'm 68 and it's time to hang up my apron, the bakery is closing at the end of the month.",
        "Hollins Funeral Services bought our practice last month and their group contract covers every site, "
        "so we're moving onto it.",
        "Saya dah tua, nak berhenti berniaga hujung tahun ni. Terima kasih.",
        "After 40 years we are calling time on the bakery in June. Thanks for everything.",
    ],
)
def test_retiring_closures_and_a_funeral_group_buyer_are_walk_aways(text):
    d = decision(text)
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("Please close our account at the end of the month.", None),
        ("Tolong tutup akaun hujung bulan ni.", None),
        ("Calling time on this vendor, we are going with another provider.", "competitive_defense"),
        ("We're closing at the end of the month for a refit and reopening in March, please pause us.",
         "pause_or_downgrade"),
        ("The funeral was last Tuesday and I'm not ready to think about renewals.", "human_review"),
    ],
)
def test_near_misses_of_the_walk_away_and_trade_name_rules(text, path):
    d = decision(text)
    assert d.path.value != "clean_exit"
    if path:
        assert d.path.value == path


@pytest.mark.parametrize(
    ("text", "account", "expected"),
    [
        # the buyer cannot say what the money buys: a value gap, even when it opens as a budget squeeze
        ("The owner keeps asking me what we get for this every month and honestly I have nothing to show him.",
         {"usage_trend_pct_30d": -30}, "value"),
        ("Bos tanya apa yang kami dapat dengan bayar setiap bulan, saya pun tak nampak hasil dia.",
         {"usage_trend_pct_30d": -25}, "value"),
        # waiting on an engineer against a promised response time is service, though the device is "stuck"
        ("Two printers stuck awaiting engineer for nine days and we pay for next business day onsite.",
         {}, "service"),
        ("Still waiting for a technician, nobody turned up on Tuesday as booked. This is not what we pay for.",
         {}, "service"),
        # the use case grew past what the plan covers
        ("We run three shifts now and the plan only covers business hours; the board wants a provider that can "
         "support round the clock.", {}, "product_fit"),
        ("Honestly, we've outgrown it: we need approvals across twelve sites and it can't do that.", {}, "product_fit"),
        # a reproducible fault, English and Malay
        ("Every time we save the roster the shift colours reset to default. If it can't be fixed we'll leave.",
         {}, "product_fit"),
        ("Bila print invoice, tulisan Jawi jadi kotak kotak. Boleh fix tak?", {}, "product_fit"),
        # the teller does not know why, or the reasons keep shifting
        ("First he said it was the price, then the reports, then that it was decided above him. "
         "He couldn't say who decided.", {}, "unclear"),
        ("Bos dah suruh cancel, saya pun tak tahu kenapa.", {}, "unclear"),
        # closed for the season
        ("The dive shop shuts for the monsoon season until March, please put us on hold.", {}, "timing"),
        ("Kedai tutup sepanjang musim tengkujuh, kami sambung balik bulan tiga.", {}, "timing"),
    ],
)
def test_holdout10_and_12_situations_in_new_words(text, account, expected):
    assert decision(text, account=account or True).cause.value == expected


def test_a_threat_to_look_elsewhere_taken_back_is_not_competitive():
    text = ("They need offline signing, which we don't have. He said they might look at other tools, "
            "but no one has started an evaluation.")
    taken_back = decision(text)
    assert taken_back.cause.value == "product_fit"
    assert taken_back.classification.scores["competitive"] < 0  # the retracted threat counts against
    # the same threat left standing is evidence of a rival
    standing = decision("They need offline signing we don't have, so they are looking at other tools.")
    assert standing.classification.scores["competitive"] > 0


def test_absorbed_into_a_parent_with_its_own_agreement_leaves_cleanly():
    d = decision("We were bought by Halden Group. They already have a five-year agreement with another MSP and "
                 "all sites move onto it by March.")
    assert (d.cause.value, d.path.value) == ("customer_change", "clean_exit")


@pytest.mark.parametrize(
    ("code", "text", "cause", "contradictory"),
    [
        ("Lost to competitor", "We signed with Brightdesk last week.", "competitive", False),
        ("pricing", "Price never came up. Our sponsor left in May and nobody owns the tool now.", "relationship", True),
        ("champion-left", "Our sponsor left and nobody owns the tool now.", "relationship", False),
        ("support_issues", None, "service", False),
    ],
)
def test_crm_reason_codes_are_read_like_stripes(code, text, cause, contradictory):
    d = decision(text, signal={"reason_code": code})
    assert d.cause.value == cause
    assert ("contradictory" in [i.value for i in d.evidence_issues]) is contradictory
    if not contradictory:
        assert any(r.startswith("classify.reason_code.") and " " not in r for r in d.rules)


@pytest.mark.parametrize(
    ("text", "cause", "flag", "distress"),
    [
        # holdout14's round, each situation in words of our own: an audit passed is not a death
        ("The new cold-room module has passed every inspection this year and the team likes it. "
         "The director who backed us left in June and her successor ignores our invitations.",
         "relationship", None, None),
        # a price breakdown is not a breakdown
        ("Finance asked for a breakdown of the renewal, then said the price is fine; the real blocker is "
         "that the app still has no e-invoicing integration.", None, None, None),
        # a fuel-card supplier is not a chargeback, and their customers' disputes are not ours
        ("The import from our fuel card provider fails every week and the fix promised for September never came.",
         None, None, None),
        # Indonesian: a lawyer who will handle any further charge is a legal threat
        ("Hentikan langganan. Kalau ada tagihan lagi, pengacara kami yang akan urus.", None, "legal", None),
        # asking for another person on the account is a relationship, not a switch of vendor
        ("Sistem ok, tapi CSM baru tak faham operasi kami. Boleh tukar orang?", "relationship", None, None),
        # a freeze that cannot meet our quoted price is a price problem, not a rival's quote
        ("Opex is frozen for next year. Everyone uses it, but we cannot sign at the quoted price without 10% off.",
         "commercial", None, None),
    ],
)
def test_holdout14_situations_in_new_words(text, cause, flag, distress):
    d = decision(text, account=True)
    if cause is not None:
        assert d.cause.value == cause
    flags = {s.value for s in d.sensitive}
    assert flags == ({flag} if flag else set())
    assert d.classification.distress == distress


def test_a_contact_who_moved_to_another_company_is_not_a_switch_of_vendor():
    # Malay/Indonesian "pindah ke" is a switch of vendor; "pindah ke perusahaan lain" is a person leaving
    d = decision("Pak Hendra yang dulu jadi contact utama sudah pindah ke perusahaan lain. "
                 "Penggantinya belum pernah balas email kami.", account=True)
    rules = {c.rule for c in d.classification.cues}
    assert "relationship.champion_left" in rules
    assert "competitive.switching" not in rules
    switched = decision("Kami dah pindah ke sistem vendor lain bulan lepas.", account=True)
    assert "competitive.switching" in {c.rule for c in switched.classification.cues}


@pytest.mark.parametrize(
    "text",
    [
        "After twelve good years I'm closing Brightmoor at the end of March; my husband and I are retiring to the coast.",
        "Quick note: Brightmoor Ventures will close on 15 December. Please end the subscription then.",
        "Dengan sedih saya maklumkan Brightmoor Ventures Sdn Bhd akan ditutup. Terima kasih semua.",
    ],
)
def test_a_closing_verb_next_to_the_customers_own_name_is_the_business_closing(text):
    d = decision(text, account={"name": "Brightmoor Ventures Sdn Bhd"})
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit", text
    assert "classify.walk_away.closing_by_name" in d.rules


@pytest.mark.parametrize(
    "text",
    [
        "Please close Brightmoor's account at the end of the month, we're consolidating logins.",  # the account, not the business
        "Brightmoor Bakery is closing four of its nine shops after the new owners' review; the rest carry on.",  # partial
        "We're not closing Brightmoor, we're moving the bakery's ordering to head office's login.",  # denied
    ],
)
def test_a_name_near_closing_words_that_is_not_the_business_closing(text):
    d = decision(text, account={"name": "Brightmoor Bakery"})
    assert d.path.value != "clean_exit", text


def test_an_article_or_a_trade_word_in_the_name_is_not_the_name():
    """'The Hive Collective' is not named by every 'the'; 'Bengkel Kereta Ah Seng' is not
    named by every 'bengkel' (workshop)."""
    hive = decision("We're closing the account on the old card and moving billing to the new one; same team.",
                    account={"name": "The Hive Collective"})
    assert "classify.walk_away.closing_by_name" not in hive.rules
    bengkel = decision("Bengkel tutup dua minggu untuk renovation, nanti buka balik.",
                       account={"name": "Bengkel Kereta Ah Seng"})
    assert "classify.walk_away.closing_by_name" not in bengkel.rules and bengkel.path.value != "clean_exit"


@pytest.mark.parametrize(
    "text",
    [
        "Tollgate Print was bought over by Marrow Media Group on 1 October. Marrow runs every site on its own "
        "print-management system under a group agreement, so we move onto it for November.",
        "We became part of the Hawksbill Hospitality group last month. Hawksbill already runs all its hotels on an "
        "enterprise account with you and head office will add us there, so please cancel ours.",
        "Company kami dah kena acquire oleh Teraju Holdings. Diorang memang dah ada enterprise contract sendiri, "
        "so akaun kami ni redundant. Tolong close hujung bulan.",
    ],
)
def test_absorbed_into_a_parent_that_already_has_its_own_system_is_a_walk_away(text):
    d = decision(text)
    assert d.cause.value == "customer_change" and d.path.value == "clean_exit", text


def test_acquired_by_a_parent_with_no_system_of_its_own_is_a_change_to_adapt_to():
    d = decision("We were bought over by Marrow Media Group. Marrow has no booking system of its own and their "
                 "new COO is reviewing every vendor; nothing is decided yet.")
    assert d.cause.value == "customer_change" and d.path.value == "adapt_to_change"


def test_a_lone_acronym_is_not_shouting_but_a_repeated_or_running_capital_is():
    from saveroute.engine.text.tokens import shouted_words

    assert shouted_words("System still deducts 11% for EPF, kena marah dengan KWSP nanti.", frozenset()) == 0
    assert shouted_words("It crashed FIVE times. FIVE.", frozenset()) == 2
    assert shouted_words("Sistem DOWN LAGI pagi ni", frozenset()) == 2
    assert shouted_words("I said NOTHING works", frozenset()) == 1


def test_a_third_party_getting_angry_or_a_module_useless_to_us_is_not_an_angry_customer():
    scolded = decision("Macam mana nak set kadar caruman EPF untuk staff atas 60? Kalau salah lagi kena marah "
                       "dengan KWSP. Tolong ajar step.", signal={"source": "helpdesk"})
    assert "angry" not in [s.value for s in scolded.classification.sensitive]
    useless = decision("The gift-card module can't apply to combo meals, so it's useless to us unless that changes. "
                       "How do we set it up?", signal={"source": "helpdesk"})
    assert "angry" not in [s.value for s in useless.classification.sensitive]


# Situations behind the partly-spent sets' and holdout20's misses, each in words of our own
@pytest.mark.parametrize(
    ("text", "signal", "cause", "path"),
    [
        # "no problem at all" in Malay is not an unanswered ticket
        ("Takde apa-apa issue pun dengan sistem you all. Cuma boss dah decide nak stop hujung bulan.", {}, "unclear", "human_review"),
        # praise for the product rules it out; no reason is left
        ("Not renewing. The tool does everything we need, pricing is fine, support has been fine. Just a decision.", {},
         "unclear", "human_review"),
        # "isn't really the issue" denies the price the code names
        ("we're going with Brightquay, their rota module handles split shifts. cost isn't really the issue",
         {"reason_code": "too_expensive"}, "competitive", "human_review"),
        # a new fee that eats the margin is a price problem
        ("Everything works. It's the extra 2% processing fee on card orders that eats into our margin.", {},
         "commercial", "commercial_review"),
        # hardship from illness: a person handles it
        ("Typing this from a hospital bed after emergency surgery. The studio is shut and I can't keep the "
         "monthly subscription going. Please cancel.", {}, "commercial", "human_review"),
        # an event called off: the need has ended
        ("The trade fair has been called off by the organisers, so there is nothing left to run. Please cancel.", {},
         "timing", "pause_or_downgrade"),
        # a closing owner-run firm, calm: a walk-away
        ("Dah 70 tahun, saya closing the family haulage business this December, all drivers dah dapat kerja lain. "
         "Thank you for everything.", {}, "customer_change", "clean_exit"),
        # leaving for any system that has the missing feature is a product gap
        ("no multi-currency invoices. our new Thai client needs it, we have to move to a system that has it",
         {"reason_code": "missing_features"}, "product_fit", "product_gap"),
        # a signed letter of intent with a rival, revealed late in a long call
        ("Call with the ops lead. Most of the hour was about the mobile app being slow on older phones and a report "
         "that is hard to read; I logged both with product and offered training. Only when I asked directly did she "
         "say they signed a letter of intent with Roadwise two weeks ago, because Roadwise bundles driver scoring. "
         "She would listen to a counter-proposal before the contract is final.", {}, "competitive",
         "competitive_defense"),
        # the only person who runs the account is leaving
        ("Quick heads-up: I'm the only one here who has ever used the admin side and I'm leaving at the end of "
         "January. Nobody else knows who to call at your end.", {}, "relationship", "relationship_rebuild"),
    ],
)
def test_situations_from_the_partly_spent_sets_and_holdout20(text, signal, cause, path):
    d = decision(text, signal=signal)
    assert (d.cause.value, d.path.value) == (cause, path), text


def test_a_how_to_asking_for_steps_through_the_helpdesk_is_a_support_task():
    d = decision("The route export is too confusing for me, tried all morning. Please show me the steps to split it "
                 "per driver.", signal={"source": "helpdesk"})
    assert d.cause.value == "product_fit" and d.path.value == "support_task"


def test_optional_words_are_not_phrase_syntax():
    from saveroute.policy.phrases import compile_phrase

    with pytest.raises(ValueError, match="not phrase syntax"):
        compile_phrase("tell me (the)? steps", "cue")


def test_a_product_that_cannot_cope_is_a_limit_not_a_customer_in_distress():
    d = decision("Since we added the Sabah depots the dashboard can't cope with the volume: month-end reports time "
                 "out and my team rebuilds them in Excel. Is a faster tier on the roadmap?")
    assert d.cause.value == "product_fit" and d.classification.distress is None
    assert d.path.value == "product_gap"
    person = decision("Since my husband's stroke I honestly can't cope with the business on my own. Please cancel.")
    assert person.classification.distress is not None and person.path.value == "human_review"


def test_a_feature_that_does_not_sync_is_a_complaint_not_a_denial():
    d = decision("stock levels dont sync to our Shopee store, staff fix them by hand every night. pls cancel",
                 signal={"reason_code": "missing_features"})
    assert d.cause.value == "product_fit" and d.evidence_issues == []
    assert d.path.value == "product_gap"


@pytest.mark.parametrize(
    "text",
    [
        "support is fine honestly, we just don't need it",  # the denial shares the cue's last word ("is")
        "Your support team has honestly been great, no complaints there",  # three words between
    ],
)
def test_praise_after_a_cue_denies_it(text):
    from saveroute.engine.text.matcher import matcher_for

    hits = [h for h in matcher_for(POLICY).analyse(text).hits if h.cue.label == "service"]
    assert hits and all(h.negated for h in hits), text


def test_a_code_the_praise_denies_is_contradicted():
    d = decision("Your support team has honestly been great, no complaints there. We just don't need bundles until "
                 "we restock in Q1.", signal={"source": "billing", "reason_code": "customer_service"})
    assert "contradictory" in [i.value for i in d.evidence_issues] and d.path.value == "human_review"


# Situations behind holdout22-24's misses, each in words of our own
@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("Still no QuickBooks sync after a year of asking, so we are done.", "product_fit"),
        ("Our two clinics are merging into one company next quarter and we need to talk about the accounts.",
         "customer_change"),
        ("The booking page gets painfully slow under load every Saturday morning.", "product_fit"),
        ("Checkout froze on android during the presale and people gave up.", "product_fit"),
        ("Seat 14B got sold twice at the premiere, which was embarrassing.", "product_fit"),
        ("We were told it was fixed in March and the same thing happened again this week.", "service"),
        ("Our council grant still has not been released, could you give us 20% off until the funding lands?",
         "commercial"),
        ("Could we have someone who actually knows the hospitality market instead of our current account manager?",
         "relationship"),
        ("We're shutting the bakery at the end of June, both of us are going back to full time jobs.",
         "customer_change"),
        ("Nobody here logs in any more, so we'll let it lapse.", "value"),
        ("I've sold the studio to my manager, she takes over on 1 March and wants to review every tool we pay for.",
         "customer_change"),
        ("Dah tiga bulan guna tapi tak nampak pun jualan naik, tak tahu apa yang kami dapat.", "value"),
        ("We'd stay if we could pay quarterly invoices instead of one annual bill up front in one go, it hurts "
         "our cash.", "commercial"),
        ("Your support team has honestly been great, but the report builder still can't split revenue by region.",
         "product_fit"),
        ("Courts can't be used when the monsoon starts, so please drop us to the basic plan until March.", "timing"),
        ("The new head of operations wants to rebuild our whole stack from scratch, so we're cancelling everything.",
         "customer_change"),
        ("After we switched to the new Aurora checkout theme the review badges disappeared from every product page.",
         "product_fit"),
    ],
)
def test_situations_from_holdout22_to_24(text, cause):
    d = decision(text, signal={"source": "billing", "kind": "cancellation_request"})
    assert d.cause.value == cause, text


# Situations behind holdout29's misses, in words of our own
@pytest.mark.parametrize(
    ("text", "cause", "path"),
    [
        ("The reminder went out to 90 parents who had already paid, again. You swore in May it was fixed. This is a "
         "disgrace, cancel us.", "service", "staff_escalation"),
        ("Procurement has reviewed Classly, quoting 40% less per learner, and we ask for a matching reduction to stay.",
         "competitive", "competitive_defense"),
        ("Your salesperson told us clearly we'd be billed monthly, then we got an annual invoice. We never signed any "
         "annual agreement. Cancel and refund it.", "service", "staff_escalation"),
        ("The board has approved one group-wide learning platform for every campus, so we will consolidate attendance "
         "onto that platform next year.", "customer_change", "adapt_to_change"),
        # parents asking whether a broken message is a scam are not an angry customer
        ("The SMS shows {first_name} literally instead of the child's name since the update. Parents ask us if it is "
         "a scam.", "product_fit", "support_task"),
        ("Saya dah try demo EduKita minggu lepas, harga separuh je dan ada e-invoice. Sorry, kami tak renew.",
         "competitive", "competitive_defense"),
    ],
)
def test_situations_from_holdout29(text, cause, path):
    d = decision(text, signal={"source": "helpdesk", "kind": "cancellation_request"})
    assert (d.cause.value, d.path.value) == (cause, path), text


# Situations behind holdout26 and holdout27's misses, in words of our own
@pytest.mark.parametrize(
    ("text", "account", "cause", "path"),
    [
        ("We prepaid twenty coaching sessions and barely used three. Please have the remaining sessions refunded to our "
         "card.", {}, "value", "staff_escalation"),
        ("We ran out of runway and the board voted to wind the company down in March. No complaints, thank you "
         "for everything.", {}, "customer_change", "clean_exit"),
        ("We only needed the studio for our launch rehearsals and that's finished now, please stop the plan.",
         {"seats_active": 0, "usage_trend_pct_30d": -90}, "timing", "pause_or_downgrade"),
        ("Community manager baru ni okay je, tapi tak click langsung dengan staff kami, rasa macam orang asing.", {},
         "relationship", "relationship_rebuild"),
        ("She said she just decided, nothing you did, and declined the exit survey before hanging up.", {},
         "unclear", "human_review"),
        ("Mail from the tax office was never forwarded to us and we missed the filing deadline.", {}, "service",
         "service_recovery"),
        ("I'm relocating to Perth for good next month, so please end my membership then.", {}, "customer_change",
         "adapt_to_change"),
        ("Procurement is asking for 25% off; the new head of purchasing wants every supplier back to last year's "
         "tender price.", {}, "commercial", "commercial_review"),
        ("The retainer was bought for our warehouse move, which finished in August, so we won't need it now.", {},
         "timing", "pause_or_downgrade"),
        ("Agent ni makan CPU tinggi kat PC lama, screen lag masa production. Bukan pasal harga.", {}, "product_fit",
         "product_gap"),
        ("Hartono Foods is closing its Klang packing plant. The rest of the group carries on and wants fewer "
         "licences from January.", {"name": "Hartono Foods"}, "customer_change", "adapt_to_change"),
    ],
)
def test_situations_from_holdout26_and_27(text, account, cause, path):
    d = decision(text, signal={"source": "crm", "kind": "cancellation_request"}, account=account)
    assert (d.cause.value, d.path.value) == (cause, path), text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("We are withholding payment of the March invoice until the service credits are applied.", "billing_dispute"),
        ("I write to put you on notice of a potential claim; preserve all logs and case notes relating to our "
         "tenancy.", "legal"),
        ("Under the PDPA, please delete the contact details and photos you keep on me.", "data_deletion"),
        ("We request deletion of all attendee names and phone numbers under the PDPA.", "data_deletion"),
        ("We have instructed Messrs Lim & Co to advise on recovering our losses.", "legal"),
        ("Failing that, we are instructed to issue proceedings without further notice.", "legal"),
        ("We will not pay either invoice until they are reissued for six seats.", "billing_dispute"),
        ("Our accounts team has put all payments on hold until the surcharge is withdrawn.", "billing_dispute"),
        ("Sila cancel add-on tu dan refund 3 bulan yang dah dicaj.", "refund"),
        ("Refund Request: please refund the last charge, we cancelled in time.", "refund"),
    ],
)
def test_sensitive_requests_in_new_words(text, flag):
    assert flag in [s.value for s in decision(text).sensitive], text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # naming a data law is not a deletion request
        ("Since the update our PDPA compliance report exports with section 4 blank. Please fix before the audit.",
         "data_deletion"),
        ("The GDPR consent checkbox vanished from the sign-up form after your release.", "data_deletion"),
        # a product whose name is a cue word ("peguam": lawyer), once the text shows it is a name, and a
        # law firm's own practice, are not a legal threat
        ("Everything now runs on Peguam Suite and the partners say Peguam is worth every sen.", "legal"),
        ("The litigation team uses it daily and the commercial litigation partners love the dashboards.", "legal"),
        ("Our General Counsel has asked me to justify the renewal, and honestly I can't.", "legal"),
    ],
)
def test_words_that_only_resemble_a_sensitive_request(text, flag):
    d = decision(text, signal={"source": "helpdesk", "kind": "value_complaint"})
    assert flag not in [s.value for s in d.sensitive], text


# Situations behind holdout30-33's misses, in words of our own
@pytest.mark.parametrize(
    ("text", "signal", "account", "cause", "path"),
    [
        ("Our reception PC died on Monday. Your engineer promised to come on Tuesday and never turned up.",
         {"source": "helpdesk"}, {}, "service", "service_recovery"),
        ("Our account engineer talks in acronyms and makes our staff feel stupid for asking. Who looks after us?",
         {"source": "helpdesk"}, {}, "relationship", "relationship_rebuild"),
        ("Two Mac users cannot see the shared mailbox since the migration. Pls advise steps.",
         {"source": "helpdesk"}, {}, "product_fit", "support_task"),
        ("After yesterday update the room board shows rooms dirty even after housekeeping marks them clean.",
         {"source": "helpdesk"}, {}, "product_fit", "support_task"),
        ("We are merging the Bangsar branch into Damansara from January, so five users go away.",
         {"source": "billing"}, {}, "customer_change", "adapt_to_change"),
        ("We do not intend to discuss the reasons for this decision. Please end the agreement in 90 days.",
         {"source": "crm"}, {}, "unclear", "human_review"),
        ("We merged with Northgate last month. We intend to stay on your platform, but need to consolidate the "
         "three site licences into one head-office licence.", {"source": "crm"}, {}, "customer_change",
         "adapt_to_change"),
        ("The board cut every vendor's budget by a fifth. Utilisation is strong and the managers rate it highly; "
         "we need 15% off the renewal.", {"source": "crm"}, {}, "commercial", "commercial_review"),
        ("honestly we barely touch it and we don't know what it does for us", {"reason_code": "unused"},
         {"seats_active": 2, "usage_trend_pct_30d": -60}, "value", "value_proof"),
        ("She turns 70 this year and has decided to stop taking guests; none of her children want to run the "
         "guesthouse.", {"source": "call"}, {}, "customer_change", "clean_exit"),
        ("Their rep demoed to the owner on Tuesday and he is asking around for honest reviews of Liftly vs us.",
         {"source": "crm"}, {}, "competitive", "competitive_defense"),
        ("Tolong jgn delete data kami, studio tutup untuk renovate dan buka balik bulan Mei.", {"source": "billing"},
         {}, "timing", "pause_or_downgrade"),
        ("Kalau vendor lain boleh padankan harga tu, kami akan stay; kalau tak kami pindah.", {"source": "crm"},
         {}, "competitive", "competitive_defense"),
        ("Dato' Lim retires from the firm in December. He chose the system and is the only partner who dealt "
         "with your team; the firm will of course continue.", {"source": "crm"}, {}, "relationship",
         "relationship_rebuild"),
    ],
)
def test_situations_from_holdout30_to_33(text, signal, account, cause, path):
    d = decision(text, signal={"kind": "churn_risk", **signal}, account=account)
    assert (d.cause.value, d.path.value) == (cause, path), text
    assert d.sensitive == [], text
