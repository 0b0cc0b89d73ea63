"""`saveroute demo`: `saveroute up` for a finite demo; exits 0 once every decision arrived."""

import signal
import sys
from types import FrameType

import click

from saveroute.cli.up import start_stack
from saveroute.stack.demo import feed_demo, print_decisions
from saveroute.stack.local import DEFAULT_PARTITIONS


@click.command()
@click.option("--partitions", default=DEFAULT_PARTITIONS, show_default=True, help="partitions per topic")
@click.option("--timeout", default=120.0, show_default=True, help="seconds to wait for every decision")
def demo(partitions: int, timeout: float) -> None:
    """Run the embedded stack, feed the demo, print every decision, stop."""
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops the stack as Ctrl-C does
    stack = start_stack(partitions)
    try:
        fed = feed_demo(stack)
        click.echo(f"fed {len(fed.signals)} demo signals; waiting for their decisions")
        missing = print_decisions(stack, click.echo, expect={s.signal_id for s in fed.signals}, timeout=timeout)
    finally:
        stack.stop()
    if missing:
        click.echo(f"error: {len(missing)} of {len(fed.signals)} demo decisions did not arrive within "
                   f"{timeout:.0f}s: {', '.join(sorted(missing))} (see {stack.run_dir / 'logs'})", err=True)
        sys.exit(1)
    click.echo(f"all {len(fed.signals)} demo decisions arrived")


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt
