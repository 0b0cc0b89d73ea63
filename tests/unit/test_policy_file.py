"""Policy as data: operators override keys; a malformed file fails at start naming file, key, reason."""

import pytest

from saveroute.policy import PolicyError, load_policy
from saveroute.engine import decide
from saveroute.models import Scenario
from tests.support.engine_data import scenario


def write(tmp_path, text):
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy_loads_with_a_version():
    policy = load_policy()
    assert policy.version and policy.thresholds.margin_floor_pct == 15
    assert [c for c in policy.offers.by_cause if "discount" in policy.offers.by_cause[c]]


def test_operator_override_merges_onto_default_and_changes_decisions(tmp_path):
    path = write(tmp_path, 'version: "acme-1"\nthresholds:\n  margin_floor_pct: 70\n')
    policy = load_policy(path)
    assert policy.version == "acme-1" and policy.thresholds.margin_floor_pct == 70
    assert policy.thresholds.high_value_arr == 50000  # untouched keys keep the default
    d = decide(Scenario.model_validate(scenario("too expensive")), policy)
    assert d.path.value == "clean_exit" and d.policy_version == "acme-1"


def test_policy_from_environment(tmp_path, monkeypatch):
    path = write(tmp_path, 'version: "env-1"\n')
    monkeypatch.setenv("SAVEROUTE_POLICY", str(path))
    assert load_policy().version == "env-1"


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("thresholds:\n  margin_floor_pct: 10\n", "version", "must set its own version"),
        ('version: "x"\nthresholds:\n  margin_floor_pct: "lots"\n', "thresholds.margin_floor_pct", "valid number"),
        ('version: "x"\noffers:\n  by_cause:\n    value: [discount, roi_review]\n', "offers", "discount"),
        ('version: "x"\noffers:\n  by_cause:\n    commercial: [discount, roi_review]\n', "offers", "never be the first"),
        ('version: "x"\nthresholds:\n  bogus: 1\n', "thresholds.bogus", "Extra inputs"),
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: nonsense, phrases: [x]}\n', "lexicon.cues.0", "unknown label"),
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: value, phrases: ["... x"]}\n', "lexicon.cues.0", "must start and end"),
        # an option of several words becomes its own variant, which must be a phrase too
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: value, phrases: ["(... late|slow) reply"]}\n',
         "lexicon.cues.0", "must start and end"),
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: value, phrases: ["tell me (the)? steps"]}\n',
         "lexicon.cues.0", "not phrase syntax"),
        # groups hold words, not groups: a nested group would load and never match
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: value, phrases: ["(moving (abroad|away)|leaving) soon"]}\n',
         "lexicon.cues.0", "cannot nest"),
        ('version: "x"\nlexicon:\n  cues:\n    - {id: a.b, label: value, phrases: ["(moving|leaving soon"]}\n',
         "lexicon.cues.0", "cannot nest"),
        # contrast and scope-break words are compared token by token: a phrase there never matches
        ('version: "x"\nlexicon:\n  scope_breaks: [when, "as soon as"]\n', "lexicon.scope_breaks",
         "one lower-case word"),
        ('version: "x"\napprovals:\n  finance_above_pct: 30\n  executive_above_pct: 20\n', "approvals", "executive_above_pct"),
        ('version: "x"\nclassification:\n  known_words: {file: nope.txt}\n', "classification.known_words.file",
         "cannot read"),
        ("version: [unclosed\n", "line", "not valid YAML"),
        ("- just\n- a list\n", "(top level)", "mapping"),
    ],
)
def test_malformed_policy_names_file_key_and_reason(tmp_path, text, key, reason):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    err = caught.value
    assert err.file == str(path)
    assert err.key.startswith(key), err
    assert reason in err.reason, err
    assert str(path) in str(err)


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nope.yaml")
    assert "cannot read" in caught.value.reason


def test_cause_shifts_are_policy_knobs(tmp_path):
    """Budget words over collapsed usage read as value by default; an operator can turn that off."""
    text = "Finance cut the budget for tools like this and we are on the list."
    raw = scenario(text, account={"seats_active": 2, "usage_trend_pct_30d": -60})
    assert decide(Scenario.model_validate(raw), load_policy()).cause.value == "value"
    path = write(tmp_path, 'version: "no-shift"\nclassification:\n  shifts:\n    budget_to_value_share: 0\n'
                           '  model:\n    weight: 0\n')
    assert decide(Scenario.model_validate(raw), load_policy(path)).cause.value == "commercial"
