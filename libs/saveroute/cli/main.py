"""The `saveroute` command: one click group, each subcommand in a module of its own.

Subcommands are imported only when invoked, so `saveroute route` never pays for
Kafka or HTTP imports. Register a new command by adding one line to COMMANDS.
"""

import importlib

import click

from saveroute import collector

# command name -> "module:attribute" of a click.Command
COMMANDS: dict[str, str] = {
    "route": "saveroute.cli.route:route",
    "explain": "saveroute.cli.explain:explain",
    "evaluate": "saveroute.cli.evaluate:evaluate",
    "train-model": "saveroute.cli.train_model:train_model",
    "known-words": "saveroute.cli.known_words:known_words",
    "up": "saveroute.cli.up:up",
    "demo": "saveroute.cli.demo:demo",
    "replay": "saveroute.cli.replay:replay",
    "tail": "saveroute.cli.tail:tail",
    "approve": "saveroute.cli.approve:approve",
    "import": "saveroute.cli.import_cmd:import_group",
    "report": "saveroute.cli.report:report",
    "outcome": "saveroute.cli.outcome:outcome",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        # importing builds classes, schemas and tables that live as long as the process
        with collector.paused():
            module = importlib.import_module(module_name)
        return getattr(module, attr)


@click.group(cls=LazyGroup)
@click.version_option(package_name="saveroute")
def cli() -> None:
    """saveroute: Kafka-native save-offer routing for subscription businesses."""
