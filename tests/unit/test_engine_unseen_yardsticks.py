"""The engine on labelled sets it has never been tuned against (tests/data/unseen/).

These measure generalisation, so the rules must not learn from them; the test guards
against regressions only: zero safety violations, every line decided, and scores no
lower than a floor a little under the recorded measurements (see the README there).
"""

import pytest

from saveroute.engine import decide
from saveroute.evaluation import evaluate
from saveroute.models import Scenario
from saveroute.policy import load_policy
from tests.support.engine_data import DATA, load_jsonl

UNSEEN = DATA / "unseen"
# set -> (cause macro-F1, path accuracy, approver chain exact) floors
FLOORS = {
    "holdout6": (0.90, 0.88, 0.95),
    "holdout9": (0.85, 0.87, 0.95),
    "holdout11": (0.86, 0.87, 0.95),
    "holdout13": (0.82, 0.83, 0.95),  # first measured 0.85 / 0.85 / 0.97 (engine 9ad4eb8)
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_unseen_set_holds_its_floor(name):
    policy = load_policy()
    rows = load_jsonl(UNSEEN / f"{name}.jsonl")
    report = evaluate([(r["expected"], decide(Scenario.model_validate(r), policy)) for r in rows],
                      policy.thresholds.margin_floor_pct)
    summary = report.summary()
    cause_floor, path_floor, approver_floor = FLOORS[name]
    assert summary["scenarios"] == len(rows) > 0
    assert report.safety == []
    assert summary["cause_macro_f1"] >= cause_floor
    assert summary["path_accuracy"] >= path_floor
    assert summary["approver_chain_exact"] >= approver_floor


def test_every_unseen_file_has_a_floor():
    assert sorted(p.stem for p in UNSEEN.glob("*.jsonl")) == sorted(FLOORS)
