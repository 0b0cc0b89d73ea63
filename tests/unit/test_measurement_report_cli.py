"""`saveroute report` figures and formats, and `saveroute outcome`'s outcome and its checks."""

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from saveroute.cli.main import cli
from saveroute.cli.outcome import build_outcome
from saveroute.measurement.exported import known_series, series_in
from saveroute.measurement.report import build_rows, queries, render
from saveroute.models import Concession

RESULTS = {
    "requests": {"commercial": 4.0, "value": 3.0, "all": 7.0},
    "saved": {"commercial": 3.0, "value": 1.0, "all": 4.0},
    "decided": {"commercial": 4.0, "value": 2.0, "all": 6.0},
    "kept": {"commercial": 3.0, "value": 1.0, "all": 4.0},
    "discounted": {"commercial": 1.0, "all": 1.0},
    "margin": {"commercial": 24000.0, "value": 6000.0, "all": 30000.0},
    "median_response": {"commercial": 7200.0, "value": float("nan"), "all": 9000.0},
}


@pytest.mark.parametrize("window", [None, "30d"])
def test_report_queries_name_only_exported_series(window):
    exprs = [e for pair in queries(window).values() for e in pair]
    assert series_in(exprs) <= known_series()
    assert all(("[30d]" in e) == (window == "30d") for e in exprs)


def test_rows_per_cause_and_in_total():
    rows = {r.cause: r for r in build_rows(RESULTS, "USD")}
    assert list(rows) == ["commercial", "value", "all"]
    assert rows["commercial"].save_rate == 0.75 and rows["value"].save_rate == 0.5
    assert rows["all"].save_rate == pytest.approx(4 / 6)
    assert rows["commercial"].discount_use == pytest.approx(1 / 3)
    assert rows["value"].median_owner_response_s is None  # NaN: no answers yet
    assert rows["all"].retained_margin == 30000.0


def test_table_json_and_csv_carry_the_same_figures():
    rows = build_rows(RESULTS, "USD")
    table = render(rows, "table").splitlines()
    assert table[0].split()[:3] == ["cause", "requests", "save"]
    assert "75.0%" in table[2] and "2.0 h" in table[2] and "24,000 USD" in table[2]
    as_json = json.loads(render(rows, "json"))
    assert as_json[0]["cause"] == "commercial" and as_json[0]["save_rate"] == 0.75
    as_csv = list(csv.DictReader(io.StringIO(render(rows, "csv"))))
    assert as_csv[1]["cause"] == "value" and float(as_csv[1]["save_rate"]) == 0.5


def test_the_outcome_id_is_stable_across_retries_and_changes_with_the_facts():
    when = datetime(2025, 5, 1, tzinfo=timezone.utc)
    later = datetime(2025, 5, 2, tzinfo=timezone.utc)
    concession = Concession(type="discount", discount_pct=15, months=3)
    a = build_outcome("case-1", "saved", "acct-1", 12000, "USD", concession, 42.0, when)
    b = build_outcome("case-1", "saved", "acct-1", 12000, "USD", concession, 42.0, later)
    c = build_outcome("case-1", "saved", "acct-1", 11000, "USD", concession, 42.0, when)
    assert a.outcome_id == b.outcome_id != c.outcome_id
    assert a.outcome_id.startswith("cli-") and a.source == "cli"
    assert build_outcome("case-1", "saved", "acct-1", 0, "USD", None, None, when, "given").outcome_id == "given"


@pytest.mark.parametrize("args, message", [
    (["case-1", "--account", "a"], "give one of --saved"),
    (["case-1", "--churned", "--account", "a", "--retained-arr", "500"], "retained_arr: a churned outcome"),
    (["case-1", "--saved", "--account", "a", "--months", "3"], "--months needs a concession"),
    (["case-1", "--saved", "--account", "a", "--currency", "dollars"], "currency"),
    (["case-1", "--saved", "--account", "a", "--discount-pct", "120"], "discount-pct"),
])
def test_outcome_refuses_bad_input_before_publishing(args, message):
    result = CliRunner().invoke(cli, ["outcome", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
