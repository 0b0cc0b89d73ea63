"""Building the owner loop's parts from settings, once, for every service that needs them."""

from collections.abc import Mapping

from saveroute.owner.messenger import Messenger, Routing
from saveroute.owner.settings import OwnerSettings
from saveroute.owner.slack import Notifier, notifier_from
from saveroute.owner.stores import OwnerStores


def routing_from(settings: OwnerSettings) -> Routing:
    return Routing(
        default_channel=settings.slack_default_channel,
        staff_channel=settings.slack_staff_channel,
        escalation_channel=settings.slack_escalation_channel or settings.slack_default_channel,
        role_channels=settings.slack_role_channels,
        people=settings.slack_people,
    )


def notifier_for(settings: OwnerSettings) -> Notifier:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return notifier_from(token, settings.slack_api_url, settings.slack_max_retries)


def offer_catalogue() -> Mapping[str, str]:
    """Offer descriptions from the policy, so owners read words, not codes (empty if unavailable)."""
    try:
        from saveroute.policy import load_policy

        return dict(load_policy().offers.catalogue)
    except Exception:  # noqa: BLE001 — messages still work without descriptions
        return {}


def messenger_for(settings: OwnerSettings, stores: OwnerStores, notifier: Notifier | None = None) -> Messenger:
    return Messenger(notifier or notifier_for(settings), stores.messages, routing_from(settings),
                     settings.chain_rules(), offer_catalogue())
