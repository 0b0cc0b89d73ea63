"""`python -m services.metrics` / `saveroute-metrics`: run the metrics stage.

Serves the business series (read from Redis at scrape time) beside the runtime's
pipeline series on SAVEROUTE_METRICS_PORT.
"""

from prometheus_client import REGISTRY

from saveroute.measurement import BusinessCollector, CountingRules, MeasurementSettings, Vocabularies
from saveroute.policy import Policy
from saveroute.runtime import RuntimeSettings, Stage
from saveroute.runtime.idempotency import make_redis
from saveroute.stack.launch import launch
from services.metrics.handler import INPUTS, READS, MetricsHandler, event_id
from services.metrics.state import RedisBackend

NAME = "metrics"


def build(settings: RuntimeSettings, policy: Policy) -> Stage:
    measurement = MeasurementSettings()
    vocab = Vocabularies(tuple(policy.offers.catalogue), measurement.reporting_currency)
    rules = CountingRules(vocab, measurement, policy.thresholds.margin_floor_pct)
    backend = RedisBackend(make_redis(str(settings.redis_url)),
                           measurement.key_prefix(settings.idempotency_key_prefix),
                           measurement.state_ttl_days * 86400)
    # Scrapes read through their own connections; the handler's WATCH pipeline is its own.
    scrape_backend = RedisBackend(make_redis(str(settings.redis_url)), backend.prefix, backend.ttl_s)
    REGISTRY.register(BusinessCollector(scrape_backend, vocab))
    return Stage(NAME, INPUTS, MetricsHandler(backend, rules), event_id, READS)


# Counting is off the path from a signal to its decision and Prometheus scrapes every few
# seconds, so this stage waits longer per fetch than the decision stages: on the local broker
# every fetch costs CPU for as long as it waits, which the decision stages need more.
DEFAULTS = {"fetch_wait_max_ms": 500}


def main() -> None:
    launch(NAME, build, DEFAULTS)


if __name__ == "__main__":
    main()
