"""`saveroute route` and `explain` as the contracts describe them, through the real CLI."""

import json

from click.testing import CliRunner

from saveroute.cli.main import cli
from tests.support.engine_data import DEV_SET, scenario


def run(args, stdin=None):
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def test_route_stdin_to_stdout_in_order_with_error_lines():
    good = scenario("too expensive", signal={"signal_id": "a"})
    bad_kind = scenario("x", signal={"signal_id": "b", "kind": "nonsense"})
    no_signal = {"now": "2026-06-01T12:00:00Z"}
    lines = [json.dumps(good), "not json", json.dumps(bad_kind), "", json.dumps(no_signal), json.dumps([1])]
    result = run(["route", "-", "-o", "-"], "\n".join(lines) + "\n")
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["signal_id"] for o in out] == ["a", None, "b", None, None]
    assert out[0]["cause"] == "commercial" and "error" not in out[0]
    assert "not valid JSON" in out[1]["error"]
    assert "signal.kind" in out[2]["error"] and "nonsense" in out[2]["error"]
    assert "signal: Field required" in out[3]["error"]
    assert "JSON object" in out[4]["error"]


def test_route_files_and_exit_zero(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run(["route", str(DEV_SET), "-o", str(out)])
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == sum(1 for line in DEV_SET.read_text().splitlines() if line.strip())
    again = tmp_path / "again.jsonl"
    run(["route", str(DEV_SET), "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_route_with_broken_policy_fails_at_start(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text('version: "x"\nthresholds:\n  margin_floor_pct: "high"\n')
    result = CliRunner().invoke(cli, ["route", str(DEV_SET), "--policy", str(policy)])
    assert result.exit_code == 2
    assert "thresholds.margin_floor_pct" in result.output and str(policy) in result.output


def test_explain_prints_markdown_decision_and_play():
    result = run(["explain", str(DEV_SET), "--id", "evt_1QcV2hKe6Ym4Wb8nDu"])
    assert result.exit_code == 0
    text = result.stdout
    for heading in ("# Decision for evt_1QcV2hKe6Ym4Wb8nDu", "## Evidence", "## Save Play", "Phase: Stabilise",
                    "### Success Criteria", "### Walk-Away Criteria", "### Review Cadence"):
        assert heading in text
    assert "competitive" in text


def test_explain_unknown_id():
    result = CliRunner().invoke(cli, ["explain", str(DEV_SET), "--id", "nope"])
    assert result.exit_code == 1 and "no scenario" in result.output


def test_route_skips_only_the_save_play_the_contract_line_does_not_carry():
    from saveroute.engine import decide
    from saveroute.models import Scenario
    from saveroute.policy import load_policy
    from tests.support.engine_data import DEV_SET, load_jsonl

    policy = load_policy()
    played = 0
    for row in load_jsonl(DEV_SET):
        scenario = Scenario.model_validate(row)
        full, lean = decide(scenario, policy), decide(scenario, policy, with_save_play=False)
        assert lean.save_play is None
        assert lean.to_contract() == full.to_contract()
        assert lean.model_copy(update={"save_play": full.save_play}) == full
        played += full.save_play is not None
    assert played > 0
