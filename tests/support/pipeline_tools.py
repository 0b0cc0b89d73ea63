"""A running pipeline (enrichment, classification, routing as real processes) for end-to-end tests.

The services run against the session's broker with their own namespace (consumer groups,
idempotency keys, context keys), so the harness sees only what its own services did.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from confluent_kafka import Producer

from saveroute.context import ContextStore
from saveroute.models import AccountContext, Decision, Signal, SignalKind, SignalSource
from saveroute.runtime import EventProducer
from saveroute.runtime.codec import codec_from_settings
from saveroute.runtime.idempotency import make_redis
from saveroute.stack.connect import client_settings
from saveroute.stack.feeder import TimedSignal, publish_context, publish_signals, wait_until_stored
from saveroute.stack.fleet import Fleet
from saveroute.stack.reader import TopicReader
from saveroute.stack.services import SERVICES
from saveroute.topics import DEAD_LETTERS, DECISIONS, SIGNALS

PIPELINE = [spec for spec in SERVICES if spec.pipeline]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def account(account_id: str, arr: float = 12000) -> AccountContext:
    return AccountContext.model_validate({
        "account_id": account_id, "name": f"Account {account_id}", "segment": "smb", "arr": arr,
        "currency": "USD", "gross_margin_pct": 70, "owner": {"id": "usr_t1", "name": "Test Owner"},
        "billing_status": "active", "seats_purchased": 10, "seats_active": 8, "as_of": NOW - timedelta(days=1),
    })


def signal(signal_id: str, account_id: str, text: str = "It is too expensive for us now, we need a cheaper plan.") -> Signal:
    return Signal(signal_id=signal_id, source=SignalSource.billing, kind=SignalKind.cancellation_request,
                  account_id=account_id, occurred_at=NOW - timedelta(minutes=5), reason_text=text)


class Pipeline:
    def __init__(self, bootstrap: str, redis_url: str, run_dir: Path, namespace: str) -> None:
        self.namespace = namespace
        self.fleet = Fleet(bootstrap, redis_url, run_dir, PIPELINE, namespace=namespace)
        self.settings = client_settings(bootstrap, redis_url, service_name=f"{namespace}-test")
        self.store = ContextStore(make_redis(redis_url), f"{namespace}:ctx:")
        self._sentinels = 0

    def start(self) -> Pipeline:
        self.fleet.start(timeout=120)
        return self

    def stop(self) -> None:
        self.fleet.stop()

    def feed_context(self, accounts: list[AccountContext]) -> None:
        with EventProducer(self.settings) as producer:
            publish_context(producer, accounts, [])
        wait_until_stored(self.store, accounts, [], timeout=90)

    def publish(self, signals: list[Signal]) -> None:
        with EventProducer(self.settings) as producer:
            publish_signals(producer, [TimedSignal(s, int(NOW.timestamp() * 1000)) for s in signals])

    def publish_raw(self, key: bytes, value: bytes) -> None:
        with EventProducer(self.settings) as producer:
            producer.publish_raw(SIGNALS.name, key, value)

    def decisions(self, prefix: str) -> list[Decision]:
        """Every decision on the topic whose signal id starts with `prefix` (all of them, with repeats)."""
        return [r.value for r in self._read([DECISIONS]) if isinstance(r.value, Decision)
                and r.value.signal_id.startswith(prefix)]

    def dead_letters(self, service: str) -> list:
        return [r.value for r in self._read([DEAD_LETTERS]) if r.value is not None and r.value.service == service]

    def _read(self, topics) -> list:  # type: ignore[no-untyped-def]
        with TopicReader(self.settings, topics) as reader:
            return list(reader.follow(idle_timeout=1.5))

    def wait_for_decisions(self, prefix: str, ids: set[str], timeout: float = 180.0) -> Counter[str]:
        deadline = time.monotonic() + timeout
        while True:
            counts = Counter(d.signal_id for d in self.decisions(prefix))
            if ids <= set(counts):
                return counts
            if time.monotonic() > deadline:
                missing = sorted(ids - set(counts))
                services = "\n".join(f"--- {c.name} running={c.running()}\n{c.log_tail(8)}"
                                     for c in self.fleet.supervisor.children.values())
                raise AssertionError(f"{len(missing)} of {len(ids)} decisions missing after {timeout}s "
                                     f"(e.g. {missing[:3]}); services:\n{services}")
            time.sleep(0.5)

    def settle(self, timeout: float = 180.0) -> None:
        """Return once everything published before this call has been fully decided.

        One sentinel signal per partition goes in last; partitions are processed in order
        and every topic is keyed by account id, so once each sentinel's decision is out,
        every earlier record (including any a restarted stage redelivered) has been through
        every stage.
        """
        prefix = f"{self.namespace}-sentinel-{self._sentinels}-"
        self._sentinels += 1
        codec = codec_from_settings(self.settings)
        producer = Producer(self.settings.producer_config())
        partitions = producer.list_topics(SIGNALS.name, timeout=10).topics[SIGNALS.name].partitions
        covered: dict[int, str] = {}
        i = 0
        while len(covered) < len(partitions):
            sentinel = signal(f"{prefix}{i}", f"{prefix}acct-{i}", "cancel please")
            def report(err, msg, sid=sentinel.signal_id):  # type: ignore[no-untyped-def]
                assert err is None, err
                covered.setdefault(msg.partition(), sid)
            producer.produce(SIGNALS.name, key=sentinel.account_id.encode(), value=codec.encode(SIGNALS, sentinel),
                             on_delivery=report)
            producer.flush(30)
            i += 1
        self.wait_for_decisions(prefix, set(covered.values()), timeout)


@contextmanager
def running_pipeline(kafka_bootstrap: str, redis_url: str, run_dir: Path, letter: str) -> Iterator[Pipeline]:
    """The pipeline services as real processes for one test module, stopped afterwards."""
    running = Pipeline(kafka_bootstrap, redis_url, run_dir, f"{letter}{uuid.uuid4().hex[:10]}").start()
    try:
        yield running
    finally:
        running.stop()
