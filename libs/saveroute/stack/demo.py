"""The demo both `saveroute up` and `saveroute demo` run: feed the shipped data, print decisions.

Context is published and confirmed stored before any signal, so every demo signal is
joined with its account and tickets. Decisions are printed as one readable line each,
as they land on the decisions topic.
"""

import time
from collections.abc import Callable
from datetime import datetime, timezone

from saveroute.demo import DemoData, load_demo
from saveroute.models import Decision
from saveroute.stack.feeder import TimedSignal, publish_context, publish_signals, wait_until_stored
from saveroute.stack.local import LocalStack
from saveroute.stack.printer import summary_line
from saveroute.stack.reader import TopicReader
from saveroute.topics import DEAD_LETTERS, DECISIONS

Echo = Callable[[str], None]


def feed_demo(stack: LocalStack, now: datetime | None = None) -> DemoData:
    """Publish the demo accounts and tickets, wait until stored, then the demo signals."""
    demo = load_demo(now or datetime.now(timezone.utc))
    with stack.producer() as producer:
        publish_context(producer, demo.accounts, demo.tickets)
        wait_until_stored(stack.context_store(), demo.accounts, demo.tickets)
        publish_signals(producer, [TimedSignal(s) for s in demo.signals])
    return demo


def print_decisions(
    stack: LocalStack,
    echo: Echo,
    expect: set[str] | None = None,
    timeout: float | None = None,
    keep_following: Callable[[], bool] = lambda: True,
) -> set[str]:
    """Print each decision (and dead letter) as it lands; returns the expected ids still missing.

    Stops when every expected signal id has its decision (if `expect` is given), when
    `timeout` seconds pass, or when `keep_following()` turns false.
    """
    missing = set(expect or ())
    deadline = None if timeout is None else time.monotonic() + timeout
    with TopicReader(stack.settings(), [DECISIONS, DEAD_LETTERS]) as reader:
        while keep_following():
            for record in reader.poll():
                if isinstance(record.value, Decision):
                    echo(summary_line(record.value, now=datetime.now(timezone.utc)))
                    missing.discard(record.value.signal_id)
                elif record.value is not None:
                    letter = record.value
                    echo(f"dead letter from {letter.service} ({letter.error_type}): {letter.error}")
            if expect is not None and not missing:
                break
            if deadline is not None and time.monotonic() > deadline:
                break
    return missing
