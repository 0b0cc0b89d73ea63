"""Options shared by several commands, defined once."""

import sys
from typing import Any

import click

from saveroute.policy import Policy, PolicyError, load_policy

policy_option = click.option(
    "--policy", "policy_path", type=click.Path(dir_okay=False), default=None, envvar="SAVEROUTE_POLICY",
    help="Policy file (default: $SAVEROUTE_POLICY, else the shipped default).",
)


def policy_or_exit(path: str | None) -> Policy:
    try:
        return load_policy(path)
    except PolicyError as exc:
        click.echo(f"policy error: {exc}", err=True)
        sys.exit(2)


def open_input(path: str) -> Any:
    return click.open_file(path, "r", encoding="utf-8")
