"""Grafana provisioning and dashboards: valid JSON, stable uids, and queries over real series."""

import json
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from saveroute.measurement import catalog as m
from saveroute.measurement.exported import known_series, recorded_names, recording_rules, runtime_sample_names, series_in

GRAFANA = Path(__file__).resolve().parents[2] / "infra" / "grafana"
DASHBOARDS = {path.name: json.loads(path.read_text()) for path in sorted((GRAFANA / "dashboards").glob("*.json"))}
DATASOURCE_UID = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())["datasources"][0]["uid"]


def exprs(dashboard: dict) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p["targets"]]


def test_the_two_dashboards_have_stable_uids_and_titles():
    assert {d["uid"]: d["title"] for d in DASHBOARDS.values()} == {
        "saveroute-retention": "saveroute / Retention overview",
        "saveroute-pipeline": "saveroute / Pipeline health",
    }


def test_the_provider_loads_the_dashboards_folder():
    provider = yaml.safe_load((GRAFANA / "provisioning/dashboards/saveroute.yml").read_text())["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"].endswith("dashboards")
    assert DATASOURCE_UID == "saveroute-prometheus"


@pytest.mark.parametrize("name", DASHBOARDS)
def test_every_panel_queries_the_provisioned_datasource(name):
    for panel in DASHBOARDS[name]["panels"]:
        assert panel["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID


@pytest.mark.parametrize("name", DASHBOARDS)
def test_every_query_names_a_series_the_code_exports_or_a_rule_records(name):
    known = known_series()
    for panel in DASHBOARDS[name]["panels"]:
        for target in panel["targets"]:
            used = series_in([target["expr"]])
            assert used, f"{panel['title']}: {target['expr']!r} names no saveroute series"
            assert used <= known, f"{panel['title']}: unknown {sorted(used - known)}"


@pytest.mark.parametrize("name", DASHBOARDS)
def test_panels_have_unique_ids_and_do_not_overlap(name):
    panels = DASHBOARDS[name]["panels"]
    assert len({p["id"] for p in panels}) == len(panels)
    for a, b in combinations(panels, 2):
        ga, gb = a["gridPos"], b["gridPos"]
        apart = (ga["x"] + ga["w"] <= gb["x"] or gb["x"] + gb["w"] <= ga["x"]
                 or ga["y"] + ga["h"] <= gb["y"] or gb["y"] + gb["h"] <= ga["y"])
        assert apart, f"{a['title']!r} overlaps {b['title']!r}"
        assert ga["x"] + ga["w"] <= 24


def _through_rules(names: set[str]) -> set[str]:
    """Expand recorded series into the series their rules read."""
    rules = recording_rules()
    expanded = set(names)
    for name in names & set(rules):
        expanded |= series_in([rules[name]])
    return expanded


def test_every_business_metric_is_on_a_dashboard():
    shown = _through_rules(set().union(*(series_in(exprs(d)) for d in DASHBOARDS.values())))
    missing = [spec.name for spec in m.METRICS if not set(spec.sample_names()) & shown]
    assert missing == []


def test_the_pipeline_dashboard_shows_every_runtime_metric():
    shown = series_in(exprs(DASHBOARDS["pipeline-health.json"]))
    families = {n.removesuffix("_bucket") for n in runtime_sample_names()
                if not n.endswith(("_sum", "_count"))}
    assert families - {n.removesuffix("_bucket") for n in shown} == set()


def test_the_retention_dashboard_draws_the_48_hour_rule():
    panel = next(p for p in DASHBOARDS["retention-overview.json"]["panels"] if "48-hour" in p["title"])
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert any(step["value"] == m.FORTY_EIGHT_HOURS_SECONDS for step in steps)
    assert recorded_names() >= series_in([t["expr"] for t in panel["targets"]])
