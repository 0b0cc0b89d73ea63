"""`python -m services.deadlines` / `saveroute-deadlines`: run the deadline worker until SIGTERM.

Serves `/metrics` and `/healthz` on the runtime's metrics port, like the stages do.
"""

import signal
import threading

import redis

from saveroute.models import Escalation
from saveroute.owner.process import bootstrap
from saveroute.owner.stores import OwnerStores
from saveroute.runtime import EventProducer
from saveroute.runtime.health import OpsServer
from saveroute.topics import ESCALATIONS
from services.deadlines.worker import DeadlineWorker

NAME = "deadlines"


def main() -> None:
    settings, owner = bootstrap(NAME)
    client = redis.Redis.from_url(str(settings.redis_url))
    stores = OwnerStores.on(client, owner.owner_key_prefix)
    producer = EventProducer(settings)

    def publish(key: str, escalation: Escalation) -> None:
        producer.publish(ESCALATIONS, key, escalation, event_id=escalation.escalation_id)
        producer.flush(10.0)

    def health() -> tuple[bool, dict[str, object]]:
        try:
            client.ping()  # reachable; reading every pending timer per probe would cost O(timers)
            return True, {"redis": "ok"}
        except Exception as exc:  # noqa: BLE001
            return False, {"redis": type(exc).__name__}

    ops = OpsServer(settings.metrics_host or "127.0.0.1", settings.metrics_port, health).start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    worker = DeadlineWorker(stores, publish, owner.chain_rules(), owner.deadline_lease_seconds)
    try:
        worker.run(stop, owner.deadline_poll_seconds)
    finally:
        ops.stop()
        producer.flush(10.0)


if __name__ == "__main__":
    main()
