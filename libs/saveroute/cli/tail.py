"""`saveroute tail TOPIC`: print a topic's records, decoded, one JSON object per line."""

import json

import click

from saveroute.runtime.config import ConfigError
from saveroute.stack.connect import StackNotFound, client_settings, require_broker
from saveroute.stack.reader import TopicReader
from saveroute.stack.tail import record_json, resolve_topic


@click.command()
@click.argument("topic_name", metavar="TOPIC")
@click.option("--from-beginning/--from-end", default=True, show_default=True, help="Start at the oldest record or only show new ones.")
@click.option("-n", "--count", default=None, type=int, help="Stop after this many records.")
@click.option("--idle-timeout", default=None, type=float, help="Stop after this many seconds without a record (default: follow forever).")
@click.option("--bootstrap", default=None, help="Kafka bootstrap servers (default: .run/stack.json, else the environment).")
def tail(topic_name: str, from_beginning: bool, count: int | None, idle_timeout: float | None, bootstrap: str | None) -> None:
    """Print TOPIC's records as JSON lines (full name, or short: signals, decisions, dead-letters, ...)."""
    try:
        topic = resolve_topic(topic_name)
        settings = client_settings(bootstrap)
        require_broker(settings)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="TOPIC") from None
    except (ConfigError, StackNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    seen = 0
    with TopicReader(settings, [topic], from_beginning=from_beginning) as reader:
        try:
            for record in reader.follow(idle_timeout):
                click.echo(json.dumps(record_json(record), ensure_ascii=False))
                seen += 1
                if count is not None and seen >= count:
                    break
        except KeyboardInterrupt:
            pass
