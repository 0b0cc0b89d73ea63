"""`saveroute up`: the embedded stack, the demo data, and decisions printed as they land.

Starts a local Kafka-compatible broker and redis-server, creates the topics, starts every
registered service as its own process, feeds the shipped demo, then keeps printing each
decision until Ctrl-C (or SIGTERM), when it stops the services, then the servers.
"""

import signal
import sys
import threading
from types import FrameType

import click

from saveroute.stack.demo import feed_demo, print_decisions
from saveroute.stack.local import DEFAULT_PARTITIONS, LocalStack
from saveroute.stack.supervisor import ServiceFailed


def describe_stack(stack: LocalStack) -> None:
    assert stack.fleet is not None
    click.echo(f"broker     {stack.bootstrap}")
    click.echo(f"redis      {stack.redis_url}")
    for name, url in stack.info().metrics.items():
        click.echo(f"metrics    {name:<15} {url}")
    click.echo(f"logs       {stack.run_dir / 'logs'}/<service>.log")
    click.echo(f"stack file {stack.run_dir / 'stack.json'} (used by `saveroute replay` and `saveroute tail`)")


def start_stack(partitions: int) -> LocalStack:
    stack = LocalStack(partitions=partitions)
    names = ", ".join(spec.name for spec in stack.specs) or "none"
    click.echo(f"starting a local broker, redis-server and services ({names}) ...")
    try:
        stack.start()
    except ServiceFailed as exc:
        raise click.ClickException(str(exc)) from None
    describe_stack(stack)
    return stack


@click.command()
@click.option("--partitions", default=DEFAULT_PARTITIONS, show_default=True, help="partitions per topic")
@click.option("--demo/--no-demo", default=True, show_default=True, help="feed the shipped demo data")
def up(partitions: int, demo: bool) -> None:
    """Run the embedded stack with the demo and print decisions until Ctrl-C."""
    stopping = threading.Event()
    following = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        if not following.is_set():  # still starting or feeding: unwind (and stop) right away
            raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        stack = start_stack(partitions)
    except KeyboardInterrupt:
        click.echo("interrupted while starting; everything started has been stopped", err=True)
        sys.exit(130)
    failed: list[str] = []
    try:
        if demo:
            fed = feed_demo(stack)
            click.echo(f"fed {len(fed.accounts)} accounts, {len(fed.tickets)} tickets and "
                       f"{len(fed.signals)} demo signals; decisions follow (Ctrl-C to stop)")
        else:
            click.echo("no demo fed; decisions follow (Ctrl-C to stop)")

        def keep_going() -> bool:
            failed.extend(child.name for child in stack.fleet.supervisor.exited())  # type: ignore[union-attr]
            return not stopping.is_set() and not failed

        following.set()
        print_decisions(stack, click.echo, keep_following=keep_going)
    except KeyboardInterrupt:
        pass
    finally:
        click.echo("stopping services, redis and the broker ...")
        stack.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if failed:
        click.echo(f"stopped because a service exited: {', '.join(failed)} "
                   f"(see {stack.run_dir / 'logs'})", err=True)
        sys.exit(1)
    click.echo("stopped")
