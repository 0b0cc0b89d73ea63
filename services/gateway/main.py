"""`saveroute-gateway`: build the gateway from the environment and serve it with uvicorn."""

import logging

import redis
import stripe
import uvicorn
from fastapi import FastAPI

from saveroute.ingest.stripe import ChargeCustomer
from saveroute.runtime import EventProducer
from saveroute.runtime.config import ConfigError
from services.gateway.app import create_app
from services.gateway.ingestor import Ingestor
from services.gateway.publisher import KafkaPublisher
from services.gateway.settings import GatewaySettings, secret
from services.gateway.state import DeliveryClaims, RedisContextStore

log = logging.getLogger("saveroute.gateway")


def stripe_charge_lookup(api_key: str) -> ChargeCustomer:
    """charge id → account id via the Stripe API (a dispute names only its charge)."""
    client = stripe.StripeClient(api_key)

    def lookup(charge_id: str) -> str | None:
        try:
            charge = client.v1.charges.retrieve(charge_id)
        except stripe.StripeError as exc:
            log.warning("stripe charge lookup failed: %s", type(exc).__name__)
            return None
        metadata = charge.get("metadata") or {}
        customer = charge.get("customer")
        return metadata.get("account_id") or (customer if isinstance(customer, str) else
                                                 getattr(customer, "id", None))
    return lookup


def build_ingestor(settings: GatewaySettings, client: redis.Redis) -> Ingestor:
    """The gateway's delivery path: claims and account facts in `client`, records through Kafka."""
    claims = DeliveryClaims(client, settings.gateway_key_prefix, settings.idempotency_ttl_s,
                            settings.claim_ttl_s)
    publisher = KafkaPublisher(EventProducer(settings), settings.delivery_wait_s)
    return Ingestor(publisher, claims, lambda: RedisContextStore(client, settings.gateway_key_prefix),
                    settings.default_owner())


def build_app(settings: GatewaySettings) -> FastAPI:
    client = redis.Redis.from_url(settings.redis_url or "redis://127.0.0.1:6379/0")
    lookup = stripe_charge_lookup(secret(settings.stripe_api_key)) if settings.stripe_api_key else None
    return create_app(settings, build_ingestor(settings, client), charge_customer=lookup)


def main() -> None:
    try:
        settings = GatewaySettings()
    except (ConfigError, ValueError) as exc:
        raise SystemExit(f"saveroute-gateway: configuration error: {exc}") from None
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(build_app(settings), host=settings.http_host, port=settings.http_port,
                log_level=settings.log_level.lower(), access_log=False)
