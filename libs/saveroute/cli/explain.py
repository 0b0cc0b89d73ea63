"""`saveroute explain IN.jsonl --id SIGNAL_ID`: one decision, its evidence and save play, in Markdown."""

import sys

import click

from saveroute.cli.options import open_input, policy_option, policy_or_exit
from saveroute.engine import decide
from saveroute.engine.render import render_markdown
from saveroute.models import DecisionError
from saveroute.scenario_io import read_scenarios


@click.command()
@click.argument("input_path", metavar="IN.jsonl")
@click.option("--id", "signal_id", required=True, help="The signal id to explain.")
@policy_option
def explain(input_path: str, signal_id: str, policy_path: str | None) -> None:
    """Print the decision for one signal with its evidence and save play."""
    policy = policy_or_exit(policy_path)
    with open_input(input_path) as source:
        for _, _, item in read_scenarios(source):
            if isinstance(item, DecisionError):
                if item.signal_id == signal_id:
                    click.echo(f"error: {item.error}", err=True)
                    sys.exit(1)
                continue
            if item.signal.signal_id == signal_id:
                click.echo(render_markdown(decide(item, policy)), nl=False)
                return
    click.echo(f"error: no scenario with signal id {signal_id!r} in {input_path}", err=True)
    sys.exit(1)
