"""`python -m services.deadlines` / `saveroute-deadlines`: run the deadline worker until SIGTERM.

Serves `/metrics` and `/healthz` on the runtime's metrics port, like the stages do.
"""

import logging
import os
import signal
import sys
import threading

from saveroute.models import Escalation
from saveroute.owner.settings import OwnerSettings
from saveroute.owner.stores import OwnerStores
from saveroute.runtime import EventProducer
from saveroute.runtime.config import ConfigError, load_settings
from saveroute.runtime.health import OpsServer
from saveroute.topics import ESCALATIONS
from services.deadlines.worker import DeadlineWorker

NAME = "deadlines"


def main() -> None:
    try:
        settings = load_settings(service_name=os.environ.get("SAVEROUTE_SERVICE_NAME", NAME))
        owner = OwnerSettings()
    except (ConfigError, ValueError) as exc:
        print(f"saveroute-{NAME}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format=f"%(asctime)s {NAME} %(levelname)s %(name)s: %(message)s")
    stores = OwnerStores.connect(str(settings.redis_url), owner.owner_key_prefix)
    producer = EventProducer(settings)

    def publish(key: str, escalation: Escalation) -> None:
        producer.publish(ESCALATIONS, key, escalation, event_id=escalation.escalation_id)
        producer.flush(10.0)

    def health() -> tuple[bool, dict[str, object]]:
        try:
            stores.timers.pending()
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
