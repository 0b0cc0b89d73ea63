"""The engine against labelled scenarios: the contract's dev set and our own holdout set.

The bars are the product's promise for unseen scenarios (cause macro-F1 >= 0.90,
path accuracy >= 0.92, approver chain exact >= 0.95, zero safety violations).
"""

import pytest

from saveroute.engine import decide
from saveroute.evaluation import evaluate
from saveroute.models import Scenario
from saveroute.policy import load_policy
from tests.support.engine_data import DATA, DEV_SET, load_jsonl

# The contract's dev set and our three independently written holdout sets.
SETS = [pytest.param(DEV_SET, id="dev-set")] + [
    pytest.param(path, id=path.stem) for path in sorted(DATA.glob("holdout*.jsonl"))
]


@pytest.mark.parametrize("path", SETS)
def test_labelled_set_meets_the_bar(path):
    policy = load_policy()
    rows = load_jsonl(path)
    report = evaluate([(r["expected"], decide(Scenario.model_validate(r), policy)) for r in rows],
                      policy.thresholds.margin_floor_pct)
    summary = report.summary()
    misses = "\n".join(str(m) for m in report.misses[:10])
    assert summary["scenarios"] == len(rows) > 0
    assert report.safety == []
    assert summary["cause_macro_f1"] >= 0.90, misses
    assert summary["path_accuracy"] >= 0.92, misses
    assert summary["approver_chain_exact"] >= 0.95, misses


def test_vendored_contracts_match_shared_copy():
    """tests/data/contracts is a copy of ../shared/contracts; it must not drift."""
    shared = DEV_SET.parents[4] / "shared" / "contracts"
    if not shared.exists():
        pytest.skip("no ../shared/contracts beside this checkout")
    for name in ("decision.schema.json", "scenario.schema.json", "dev-set.jsonl", "policy.md"):
        assert (DEV_SET.parent / name).read_bytes() == (shared / name).read_bytes(), name
