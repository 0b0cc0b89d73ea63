"""`python -m services.approvals` / `saveroute-approvals`: serve the approvals API with uvicorn.

Listens on $SAVEROUTE_HTTP_PORT when the local stack assigns one, else on
$SAVEROUTE_APPROVALS_HOST:$SAVEROUTE_APPROVALS_PORT (127.0.0.1:8088).
"""

import os

import uvicorn

from saveroute.models import ApprovalDecision
from saveroute.owner.process import bootstrap
from saveroute.owner.settings import OwnerSettings
from saveroute.owner.signatures import SlackSignatures
from saveroute.owner.stores import OwnerStores
from saveroute.owner.wiring import messenger_for
from saveroute.runtime import EventProducer, RuntimeSettings
from saveroute.topics import APPROVAL_DECISIONS
from services.approvals.app import create_app
from services.approvals.submit import DecisionService

NAME = "approvals"


def build(settings: RuntimeSettings, owner: OwnerSettings, producer: EventProducer | None = None):  # noqa: ANN201
    """The app wired to Kafka, Redis and Slack as configured."""
    import redis

    client = redis.Redis.from_url(str(settings.redis_url))
    stores = OwnerStores.on(client, owner.owner_key_prefix)
    producer = producer or EventProducer(settings)

    def publish(key: str, decision: ApprovalDecision) -> None:
        producer.publish(APPROVAL_DECISIONS, key, decision, event_id=decision.decision_id)
        producer.flush(10.0)

    def healthy() -> bool:
        try:
            return bool(client.ping())
        except Exception:  # noqa: BLE001
            return False

    secret = owner.slack_signing_secret.get_secret_value() if owner.slack_signing_secret else None
    return create_app(
        DecisionService(stores, publish, owner.chain_rules()),
        messenger_for(owner, stores),
        signatures=SlackSignatures(secret) if secret else None,
        api_token=owner.api_token.get_secret_value() if owner.api_token else None,
        healthy=healthy,
    )


def main() -> None:
    settings, owner = bootstrap(NAME)
    port = int(os.environ.get("SAVEROUTE_HTTP_PORT") or owner.approvals_port)
    uvicorn.run(build(settings, owner), host=owner.approvals_host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
