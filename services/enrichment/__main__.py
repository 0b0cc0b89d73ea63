"""`python -m services.enrichment` / `saveroute-enrichment`: run the enrichment stage."""

from saveroute.cases import CaseStore
from saveroute.context import ContextSettings, ContextStore
from saveroute.policy import Policy
from saveroute.runtime import RuntimeSettings, Stage
from saveroute.runtime.idempotency import make_redis
from saveroute.stack.launch import launch
from services.enrichment.handler import INPUTS, EnrichmentHandler, event_id

NAME = "enrichment"


def build(settings: RuntimeSettings, policy: Policy) -> Stage:
    from saveroute.engine import enrich

    client = make_redis(settings.redis_url)
    prefixes = ContextSettings()
    store = ContextStore(client, prefixes.context_key_prefix)
    cases = CaseStore(client, prefixes.case_key_prefix)
    return Stage(NAME, INPUTS, EnrichmentHandler(store, policy, enrich, cases), event_id)


def main() -> None:
    launch(NAME, build)


if __name__ == "__main__":
    main()
