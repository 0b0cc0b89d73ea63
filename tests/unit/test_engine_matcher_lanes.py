"""A cause cue never hides an alarm (and an alarm never hides a cause): the two scan lanes."""

from saveroute.engine import decide
from saveroute.engine.text.matcher import matcher_for
from saveroute.models import Scenario
from saveroute.policy import load_policy

from tests.support.engine_data import scenario

POLICY = load_policy()


def cue_ids(text):
    return {h.cue.id: h.cue.label for h in matcher_for(POLICY).analyse(text).hits}


def test_words_that_are_both_a_cause_and_an_alarm_count_as_both():
    # "tak boleh harap" is unreliable service and an annoyed customer at once
    labels = set(cue_ids("Sistem ni memang tak boleh harap.").values())
    assert "service" in labels and "angry" in labels


def test_shouted_complaint_whose_insult_is_also_a_service_cue_goes_to_staff():
    text = "Portal ROSAK LAGI masa cutoff, dah tiga kali minggu ni!!! Support pun tak boleh harap. Tutup akaun."
    d = decide(Scenario.model_validate(scenario(text)), POLICY)
    assert d.cause.value == "service"
    assert [s.value for s in d.sensitive] == ["angry"]
    assert d.path.value == "staff_escalation" and d.offer_types == []


def test_a_neutral_phrase_still_hides_an_alarm():
    # "legal team will review" is a procurement step, not a legal threat
    assert "legal" not in cue_ids("Our legal team will review the new order form next week.").values()
    assert "legal" in cue_ids("Our solicitors will be in touch about the contract.").values()
