"""Routes that hang on a facet the words must show, probed in varied wordings of our own
(2026-11-22), English and Malay-English:

- a specific how-to or bug raised through the helpdesk by a small account is a support task;
- a customer in hardship or grief goes to a person (human_review), even when the business is
  also closing or cannot pay.

Before policy default-2026.11.13 the engine missed 2 of the 14 support tasks and 4 of the 7
hardship cases below.
"""

import pytest

from saveroute.engine import decide
from saveroute.models import Scenario
from saveroute.policy import load_policy

from tests.support.engine_data import scenario

POLICY = load_policy()

SUPPORT_TASKS = [
    "How do I add a second tax rate for our Singapore branch? If I can't sort this out by month end we'll have to rethink the subscription.",
    "The invoice PDF shows last month's logo even after I uploaded the new one. Is there a cache I need to clear?",
    'Where is the setting to stop the app sending reminders at 3am? Customers are complaining.',
    'Every time I export the attendance report the dates come out in American format. Can you help?',
    'Macam mana nak tambah user baru tanpa bayar seat tambahan? Boss cakap kalau tak boleh, kita stop.',
    'Report jualan bulanan tak keluar langsung bila pilih lebih 3 outlet. Tolong check.',
    'The booking page gives a 500 error when customers pick Saturday. Started this morning.',
    "I can't work out how to merge two duplicate client records. Tried for an hour. Steps please?",
    "Our barcode scanner stopped reading codes after yesterday's update. Is there a setting?",
    "Is it possible to change the currency on an existing invoice? Otherwise I'll have to cancel and start again.",
    'Password reset emails never arrive for two of my staff. Please look into it before payroll on Friday.',
    "Can you walk me through setting up recurring invoices? The guide doesn't match what I see.",
    'Bila print resit, nama kedai terpotong separuh. Dah cuba tukar saiz kertas tapi sama je.',
    'The calendar sync with Google double-books every recurring appointment. Is this a known bug?',
]

HARDSHIP = [
    "My wife passed away in September and I can't face the admin side of the shop right now. Please stop the subscription.",
    "Sorry for the late reply, my father has been in intensive care for three weeks and the business has stalled. I can't pay this month.",
    "Our house flooded last week and we lost the stock and the laptops. I don't know when we'll open again. Please pause billing.",
    'Saya baru keluar hospital lepas operation, kedai tutup sebulan. Duit memang takde sekarang, tolong hentikan dulu.',
    'Anak saya meninggal bulan lepas. Saya tak mampu nak uruskan apa-apa sekarang. Maaf.',
    "I've just been made bankrupt and the bailiffs took the equipment. I'm sorry, I can't keep this going.",
    "Since the divorce I'm running this alone and barely sleeping. I have to cut every cost, including you.",
]


@pytest.mark.parametrize("text", SUPPORT_TASKS)
def test_a_specific_how_to_or_bug_through_the_helpdesk_is_a_support_task(text):
    d = decide(Scenario.model_validate(scenario(text, signal={"source": "helpdesk", "kind": "churn_risk"})), POLICY)
    assert (d.cause.value, d.path.value) == ("product_fit", "support_task"), text
    assert d.approvers[0].value == "support"


@pytest.mark.parametrize("text", HARDSHIP)
def test_a_customer_in_hardship_or_grief_goes_to_a_person(text):
    d = decide(Scenario.model_validate(scenario(text, signal={"source": "billing"})), POLICY)
    assert d.classification.distress is not None, text
    assert d.path.value == "human_review" and d.offer_types == [], text
