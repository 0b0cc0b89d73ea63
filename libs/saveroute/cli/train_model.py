"""`saveroute train-model LABELLED.jsonl... -o FILE`: learn the similar-cases model."""

import json

import click

from saveroute.cli.options import open_input, policy_option, policy_or_exit
from saveroute.training import KINDS, TrainingUnavailable, dump, train


@click.command("train-model")
@click.argument("inputs", nargs=-1, required=True, metavar="LABELLED.jsonl...")
@click.option("-o", "--output", required=True, help="Where to write the model (JSON).")
@click.option("--kind", type=click.Choice(KINDS), default="logistic", show_default=True,
              help="logistic (needs saveroute[train]) or naive-bayes (pure Python).")
@policy_option
def train_model(inputs: tuple[str, ...], output: str, kind: str, policy_path: str | None) -> None:
    """Train on labelled scenarios (lines with `expected.cause`); point the policy's
    classification.model.file at the result."""
    policy = policy_or_exit(policy_path)
    rows = []
    for name in inputs:
        with open_input(name) as handle:
            rows += [json.loads(line) for line in handle if line.strip()]
    try:
        model = train(rows, policy, kind)
    except (TrainingUnavailable, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    with click.open_file(output, "w", encoding="utf-8") as out:
        out.write(dump(model))
    click.echo(f"trained on {model['trained_on']} labelled texts; {len(model['features'])} features -> {output}", err=True)
