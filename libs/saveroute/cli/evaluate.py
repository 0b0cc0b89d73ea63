"""`saveroute evaluate LABELLED.jsonl`: score decisions against labelled scenarios."""

import json
import sys

import click

from saveroute.cli.options import open_input, policy_option, policy_or_exit
from saveroute.engine import decide
from saveroute.evaluation import evaluate as score
from saveroute.models import DecisionError
from saveroute.scenario_io import read_scenarios


@click.command()
@click.argument("input_path", metavar="LABELLED.jsonl")
@click.option("--misses/--no-misses", default=False, help="Also print every scenario the engine got wrong.")
@policy_option
def evaluate(input_path: str, misses: bool, policy_path: str | None) -> None:
    """Cause macro-F1, path accuracy, approver-chain accuracy and safety violations."""
    policy = policy_or_exit(policy_path)
    labelled = []
    with open_input(input_path) as source:
        for line_no, line, item in read_scenarios(source):
            if isinstance(item, DecisionError):
                click.echo(f"error: {item.error}", err=True)
                sys.exit(1)
            expected = json.loads(line).get("expected")
            if expected is None:
                click.echo(f"error: line {line_no}: no 'expected' labels", err=True)
                sys.exit(1)
            labelled.append((expected, decide(item, policy)))
    report = score(labelled, policy.thresholds.margin_floor_pct)
    click.echo(json.dumps(report.summary(), indent=2))
    for violation in report.safety:
        click.echo(f"safety: {violation}")
    if misses:
        for miss in report.misses:
            click.echo(json.dumps(miss, ensure_ascii=False))
    if report.safety:
        sys.exit(1)
