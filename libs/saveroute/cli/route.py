"""`saveroute route IN.jsonl -o OUT.jsonl`: decide every scenario in a file, offline."""

import sys

import click

from saveroute import collector
from saveroute.cli.options import open_input, policy_option, policy_or_exit
from saveroute.engine import decide, prepare_classifier
from saveroute.models import DecisionError
from saveroute.scenario_io import read_scenarios, write_line


@click.command()
@click.argument("input_path", metavar="IN.jsonl", default="-")
@click.option("-o", "--output", "output_path", default="-", metavar="OUT.jsonl", help="Where to write decisions (- for stdout).")
@policy_option
def route(input_path: str, output_path: str, policy_path: str | None) -> None:
    """Write one decision per scenario, in input order; exit 1 if any line was bad."""
    # Start-up builds only long-lived objects (the policy, its compiled lexicon and model):
    # build them with collection paused, then freeze them out of later collections.
    with collector.paused():
        policy = policy_or_exit(policy_path)
        prepare_classifier(policy)
    collector.freeze_startup(collect=False)
    failed = 0
    with open_input(input_path) as source, click.open_file(output_path, "w", encoding="utf-8") as out:
        for _, _, item in read_scenarios(source):
            if isinstance(item, DecisionError):
                failed += 1
                write_line(out, item.to_contract())
            else:
                # the contract line carries no save play: don't build one (`explain` shows it)
                write_line(out, decide(item, policy, with_save_play=False).to_contract())
    if failed:
        click.echo(f"{failed} scenario(s) could not be decided; see the error lines", err=True)
        sys.exit(1)
