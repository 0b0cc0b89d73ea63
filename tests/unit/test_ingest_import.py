"""`saveroute import stripe-events --dry-run`: the three export formats, counts and errors."""

import json

import pytest
from click.testing import CliRunner

from saveroute.cli.main import cli
from support.ingest_fixtures import (
    cancelling_subscription, fixture_json, pay_rails_event, stripe_event, stripe_resource,
)

EVENTS = [
    pay_rails_event("evt_1", "invoice.payment_failed", "invoice.payment_failed"),
    stripe_event("evt_2", "customer.subscription.updated", cancelling_subscription("too_expensive", "too pricey")),
    fixture_json("stripe/stripe-openapi_fixtures3.json")["resources"]["event"],  # plan.created
    pay_rails_event("evt_1", "invoice.payment_failed", "invoice.payment_failed"),  # exported twice
]


@pytest.mark.parametrize("render", [
    lambda evs: json.dumps(evs), lambda evs: json.dumps({"object": "list", "data": evs}),
    lambda evs: "\n".join(json.dumps(e) for e in evs)], ids=["array", "list", "jsonl"])
def test_dry_run_prints_canonical_events(tmp_path, render):
    path = tmp_path / "export.json"
    path.write_text(render(EVENTS))
    result = CliRunner().invoke(cli, ["import", "stripe-events", "--dry-run",
                                      "--default-owner-id", "usr_1", str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(l) for l in result.stdout.splitlines()]
    assert [(l["topic"], l["event_id"]) for l in lines] == [
        ("saveroute.signals.v1", "evt_1"), ("saveroute.account-context.v1", "evt_2#context"),
        ("saveroute.signals.v1", "evt_2")]
    assert lines[1]["value"]["owner"]["id"] == "usr_1"
    assert "mapped=2" in result.stderr and "skipped=1" in result.stderr and "duplicates=1" in result.stderr


def test_errors_are_reported_and_exit_1(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([stripe_event("evt_d", "charge.dispute.created", stripe_resource("dispute"))]))
    result = CliRunner().invoke(cli, ["import", "stripe-events", "--dry-run", str(path)])
    assert result.exit_code == 1 and "evt_d: data.object.charge" in result.stderr
    assert result.stdout == ""


def test_bad_json_line_names_the_line(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(EVENTS[0]) + "\n{oops\n")
    result = CliRunner().invoke(cli, ["import", "stripe-events", "--dry-run", str(path)])
    assert result.exit_code != 0 and "line 2" in result.output
