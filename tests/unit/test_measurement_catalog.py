"""The metric catalogue follows Prometheus naming rules and keeps every label bounded."""

import pytest
from pydantic import ValidationError

from saveroute.measurement import MeasurementSettings, Vocabularies
from saveroute.measurement import catalog as m

VOCAB = Vocabularies(("roi_review", "discount"), "USD")


@pytest.mark.parametrize("spec", m.METRICS, ids=lambda s: s.name)
def test_names_follow_prometheus_conventions(spec):
    assert spec.name.startswith("saveroute_")
    if spec.kind == "counter":
        assert spec.name.endswith("_total")
    else:
        assert not spec.name.endswith("_total")
    if spec.kind == "histogram":
        assert spec.name.endswith(("_seconds", "_ratio"))
        assert list(spec.buckets) == sorted(spec.buckets) and spec.buckets
    assert "percent" not in spec.name and "minutes" not in spec.name and "hours" not in spec.name


@pytest.mark.parametrize("spec", m.METRICS, ids=lambda s: s.name)
def test_no_label_can_carry_an_id(spec):
    for label in spec.labels:
        assert not label.endswith("_id") and label not in {"account", "case", "task", "owner", "person"}
        if spec is not m.FX_UNCONVERTED:  # bounded by ISO codes instead; see the catalogue
            assert label in VOCAB.values


@pytest.mark.parametrize("spec", [s for s in m.METRICS if s.preinit], ids=lambda s: s.name)
def test_preinitialised_series_stay_within_the_documented_bound(spec):
    combos = VOCAB.combinations(spec)
    assert len(combos) == len(set(combos)) and 0 < len(combos) <= 300


def test_the_48_hour_rule_is_a_bucket_bound_so_the_share_within_it_is_exact():
    assert m.FORTY_EIGHT_HOURS_SECONDS in m.OWNER_RESPONSE.buckets


def test_fx_rates_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SAVEROUTE_REPORTING_CURRENCY", "EUR")
    monkeypatch.setenv("SAVEROUTE_FX_RATES", '{"USD": 0.92, "GBP": 1.17}')
    s = MeasurementSettings()
    assert (s.rate("EUR"), s.rate("USD"), s.rate("MYR")) == (1.0, 0.92, None)


@pytest.mark.parametrize("rates, fragment", [('{"euro": 1.1}', "ISO 4217"), ('{"EUR": 0}', "must be > 0")])
def test_bad_fx_configuration_fails_at_start_with_the_reason(monkeypatch, rates, fragment):
    monkeypatch.setenv("SAVEROUTE_FX_RATES", rates)
    with pytest.raises(ValidationError, match=fragment):
        MeasurementSettings()
