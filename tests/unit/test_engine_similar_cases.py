"""The similar-cases model: trained from labelled scenarios, shipped as policy data, explainable."""

import json
import sys

import pytest

from saveroute.engine import decide
from saveroute.engine.similar_cases import predict
from saveroute.models import Scenario
from saveroute.policy import PolicyError, load_policy
from saveroute.policy.schema import CauseModel
from saveroute.training import TrainingUnavailable, dump, train
from tests.support.engine_data import DEV_SET, load_jsonl, scenario


def test_training_is_deterministic_and_learns_the_labels():
    policy = load_policy()
    rows = load_jsonl(DEV_SET)
    first, second = dump(train(rows, policy)), dump(train(list(reversed(rows)), policy))
    assert first == second
    model = json.loads(first)
    assert model["trained_on"] == sum(1 for r in rows if r["signal"].get("reason_text"))
    assert set(model["classes"]) <= {"commercial", "value", "service", "product_fit", "relationship",
                                     "competitive", "customer_change", "timing", "unclear"}


def test_shipped_model_is_loaded_with_the_policy_and_explains_itself():
    policy = load_policy()
    model = policy.classification.model
    assert model.data is not None and model.weight > 0 and len(model.data.fingerprint) == 12
    pred = predict(model.data, "we are switching to another vendor with a cheaper quote".split())
    assert max(pred.probabilities, key=pred.probabilities.get) == "competitive"
    assert pred.top_words()
    d = decide(Scenario.model_validate(scenario("we are switching to another vendor, their quote is cheaper")), policy)
    assert any(rule.startswith("model.similar_cases.") for rule in d.rules)
    assert any(e.startswith("Similar labelled cases point to competitive") for e in d.evidence)


def test_model_off_by_weight_zero(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('version: "no-model"\nclassification:\n  model:\n    weight: 0\n')
    d = decide(Scenario.model_validate(scenario("we are switching to another vendor")), load_policy(path))
    assert not any(rule.startswith("model.") for rule in d.rules)


def test_operator_model_file_is_relative_to_their_policy(tmp_path):
    (tmp_path / "mine.json").write_text(dump(train(load_jsonl(DEV_SET), load_policy())))
    path = tmp_path / "p.yaml"
    path.write_text('version: "own-model"\nclassification:\n  model:\n    file: mine.json\n')
    assert load_policy(path).classification.model.data.trained_on > 0


@pytest.mark.parametrize(("content", "reason"), [(None, "cannot read"), ("{not json", "not valid JSON"),
                                                 ('{"kind": "x"}', "Field required")])
def test_broken_model_file_fails_at_start(tmp_path, content, reason):
    if content is not None:
        (tmp_path / "bad.json").write_text(content)
    path = tmp_path / "p.yaml"
    path.write_text('version: "bad-model"\nclassification:\n  model:\n    file: bad.json\n')
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.key.startswith("classification.model")
    assert reason in caught.value.reason


def test_model_cannot_turn_healthy_budget_cuts_into_value():
    text = "Finance cut the budget for tools like this and we are on the list."
    healthy = decide(Scenario.model_validate(scenario(text, account={"seats_active": 10, "usage_trend_pct_30d": 2})),
                     load_policy())
    assert healthy.cause.value == "commercial"


@pytest.mark.parametrize("kind", ["logistic", "naive-bayes"])
def test_each_kind_loads_as_policy_data_and_reads_a_rival_quote(kind):
    model = CauseModel.model_validate(json.loads(dump(train(load_jsonl(DEV_SET), load_policy(), kind))))
    pred = predict(model, "we are switching to another vendor with a cheaper quote".split())
    assert max(pred.probabilities, key=pred.probabilities.get) == "competitive"
    assert abs(sum(pred.probabilities.values()) - 1) < 1e-9


def test_two_class_logistic_keeps_both_classes_apart():
    rows = [r for r in load_jsonl(DEV_SET) if r["expected"]["cause"] in ("competitive", "timing")]
    model = CauseModel.model_validate(train(rows, load_policy()))
    assert model.classes == ["competitive", "timing"]
    rival = predict(model, "switching to another vendor cheaper quote".split()).probabilities
    season = predict(model, "pause until next season".split()).probabilities
    assert rival["competitive"] > 0.5 > season["competitive"]


def test_logistic_without_scikit_learn_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.linear_model", None)
    with pytest.raises(TrainingUnavailable, match=r"saveroute\[train\]"):
        train(load_jsonl(DEV_SET), load_policy())


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown model kind"):
        train(load_jsonl(DEV_SET), load_policy(), "forest")


def test_the_model_reads_a_denied_cue_as_denied():
    """ "support is fine" is no vote for service: the denied cue's words reach the model marked."""
    from saveroute.engine.similar_cases import NEGATED, model_words
    from saveroute.engine.text.matcher import matcher_for

    matcher = matcher_for(load_policy())
    denied = model_words(matcher.analyse("Your support team has honestly been great, we just stopped using it"))
    assert NEGATED + "support" in denied and "support" not in denied
    affirmed = model_words(matcher.analyse("Your support team never answers our tickets"))
    assert "support" in affirmed and not any(w.startswith(NEGATED) for w in affirmed)


def test_function_words_cannot_vote():
    """A feature made only of function words ("with", "with_you") is left out of training;
    a content word and a bigram holding one stay."""
    rows = [{"signal": {"reason_text": text}, "expected": {"cause": cause}} for text, cause in [
        ("we are moving with you to another vendor", "competitive"),
        ("we are moving with you to another vendor next month", "competitive"),
        ("the price with you is too high", "commercial"),
        ("the price with you is far too high now", "commercial"),
    ]]
    features = train(rows, load_policy())["features"]
    assert "with" not in features and "with_you" not in features and "are" not in features
    assert "vendor" in features and "another_vendor" in features and "price" in features


def test_new_owners_on_their_existing_account_with_us_is_a_walk_away():
    """Once the model voted competitive on "with", "you" and "their"; function words no longer vote."""
    d = decide(Scenario.model_validate(scenario(
        "Our new owners run everything on their existing account with you",
        signal={"source": "billing", "kind": "cancellation_request"})), load_policy())
    assert (d.cause.value, d.path.value) == ("customer_change", "clean_exit")
