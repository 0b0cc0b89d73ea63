"""Gateway configuration: the shared runtime settings plus webhook secrets and HTTP limits.

Secrets come from the environment only. The vendors' usual names are accepted
(`STRIPE_WEBHOOK_SECRET`, `ZENDESK_WEBHOOK_SECRET`, `HUBSPOT_CLIENT_SECRET`,
`STRIPE_API_KEY`) as well as the `SAVEROUTE_` prefixed ones.
"""

from pydantic import AliasChoices, Field, SecretStr

from saveroute.ingest.hubspot import PROPERTY_FIELDS
from saveroute.models import Owner
from saveroute.runtime.config import ENV_PREFIX, RuntimeSettings


def _env(name: str, *vendor: str) -> AliasChoices:
    return AliasChoices(f"{ENV_PREFIX}{name.upper()}", *vendor, name)


class GatewaySettings(RuntimeSettings):
    service_name: str = "gateway"
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)
    max_body_bytes: int = Field(1024 * 1024, gt=0)

    stripe_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("stripe_webhook_secret", "STRIPE_WEBHOOK_SECRET"))
    stripe_tolerance_s: int = Field(300, ge=0)
    stripe_api_key: SecretStr | None = Field(  # optional: finds the customer of a dispute's charge
        None, validation_alias=_env("stripe_api_key", "STRIPE_API_KEY"))
    zendesk_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("zendesk_webhook_secret", "ZENDESK_WEBHOOK_SECRET"))
    zendesk_tolerance_s: int = Field(300, ge=0)
    hubspot_client_secret: SecretStr | None = Field(
        None, validation_alias=_env("hubspot_client_secret", "HUBSPOT_CLIENT_SECRET"))
    hubspot_webhook_url: str | None = None  # the public URL HubSpot signs, when behind a proxy
    hubspot_property_map: dict[str, str] = Field(default_factory=lambda: dict(PROPERTY_FIELDS))
    api_token: SecretStr | None = None  # SAVEROUTE_API_TOKEN, for POST /events

    default_owner_id: str | None = None
    default_owner_name: str | None = None
    gateway_key_prefix: str = "saveroute:gateway:"
    claim_ttl_s: int = Field(60, gt=0)  # how long an in-flight delivery holds its event id

    def default_owner(self) -> Owner | None:
        if not self.default_owner_id:
            return None
        return Owner(id=self.default_owner_id, name=self.default_owner_name or self.default_owner_id)


def secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""
