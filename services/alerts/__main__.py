"""`python -m services.alerts` / `saveroute-alerts`: run the alerts stage."""

from saveroute.owner.settings import OwnerSettings
from saveroute.owner.stores import OwnerStores
from saveroute.owner.wiring import messenger_for
from saveroute.policy import Policy
from saveroute.runtime import RuntimeSettings, Stage
from saveroute.stack.launch import launch
from services.alerts.handler import INPUTS, AlertsHandler, event_id

NAME = "alerts"


def build(settings: RuntimeSettings, policy: Policy) -> Stage:
    owner = OwnerSettings()
    stores = OwnerStores.connect(str(settings.redis_url), owner.owner_key_prefix)
    return Stage(NAME, INPUTS, AlertsHandler(stores, messenger_for(owner, stores), owner.chain_rules()), event_id)


def main() -> None:
    launch(NAME, build)


if __name__ == "__main__":
    main()
