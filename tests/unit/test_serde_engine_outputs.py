"""What the decision engine really produces for the 90 dev-set scenarios survives both framings."""

import pytest
from _serde_samples import dev_scenarios

from saveroute import topics
from saveroute.engine import approval_task_for, classify, enrich, route
from saveroute.models import ClassifiedCase
from saveroute.policy import load_policy
from saveroute.serde import make_codec

SCENARIOS = dev_scenarios()


@pytest.mark.skipif(not SCENARIOS, reason="tests/data/contracts/dev-set.jsonl is missing")
@pytest.mark.parametrize("registry_url", [None, "mock://serde-engine"], ids=["single-object", "confluent"])
def test_engine_outputs_round_trip(registry_url):
    codec = make_codec(registry_url)
    policy = load_policy()
    checked = 0
    for scenario in SCENARIOS:
        case = enrich(scenario, policy)
        classification = classify(case, policy)
        decision = route(case, classification, policy)
        outputs = [
            (topics.ENRICHED_CASES.name, case),
            (topics.CLASSIFIED_CASES.name, ClassifiedCase(case=case, classification=classification)),
            (topics.DECISIONS.name, decision),
            (topics.APPROVAL_TASKS.name, approval_task_for(decision)),
        ]
        for topic_name, model in outputs:
            assert codec.decode(topic_name, codec.encode(topic_name, model)) == model, (scenario.signal.signal_id, topic_name)
            checked += 1
    assert checked == 4 * len(SCENARIOS) == 360
