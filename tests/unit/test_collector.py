"""Start-up state is compiled before the loop and kept out of the cycle collector."""

import gc

import pytest

from saveroute import collector
from saveroute.engine import classify, enrich, prepare_classifier
from saveroute.engine.similar_cases import compiled_model
from saveroute.engine.text.matcher import matcher_for
from saveroute.models import Scenario
from saveroute.policy import load_policy
from tests.support.engine_data import scenario


@pytest.fixture
def restore_gc():
    enabled, threshold = gc.isenabled(), gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    (gc.enable if enabled else gc.disable)()


def counting(monkeypatch, cache):
    calls = []
    build = cache._build
    monkeypatch.setattr(cache, "_build", lambda key: calls.append(key) or build(key))
    return calls


def test_prepare_compiles_the_lexicon_and_model_so_the_first_signal_does_not(monkeypatch, tmp_path):
    (tmp_path / "p.yaml").write_text('version: "fresh"\n')
    policy = load_policy(tmp_path / "p.yaml")  # a new policy object: nothing compiled for it yet
    matchers, models = counting(monkeypatch, matcher_for), counting(monkeypatch, compiled_model)
    prepare_classifier(policy)
    assert len(matchers) == len(models) == 1
    case = enrich(Scenario.model_validate(scenario("we are switching to another vendor")), policy)
    classify(case, policy)
    assert len(matchers) == len(models) == 1


def test_paused_restores_the_collector_as_it_found_it(restore_gc):
    gc.enable()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()


def test_freeze_startup_moves_live_objects_out_and_sets_the_young_threshold(restore_gc):
    gc.unfreeze()
    collector.freeze_startup(young_threshold=50_000)
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == 50_000
