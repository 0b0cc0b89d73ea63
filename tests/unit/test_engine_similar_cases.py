"""The similar-cases model: trained from labelled scenarios, shipped as policy data, explainable."""

import json

import pytest

from saveroute.engine import decide
from saveroute.engine.similar_cases import predict
from saveroute.models import Scenario
from saveroute.policy import PolicyError, load_policy
from saveroute.training import dump, train
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
