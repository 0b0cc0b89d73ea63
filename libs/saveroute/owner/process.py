"""Start-up of the owner loop's non-stage processes (approvals API, deadline worker).

Reads both settings objects, exits 2 with the reason on bad configuration, and sets
up logging the way `saveroute.stack.launch` does for the stages.
"""

import logging
import os
import sys

from saveroute.owner.settings import OwnerSettings
from saveroute.runtime import RuntimeSettings
from saveroute.runtime.config import ConfigError, load_settings


def bootstrap(name: str) -> tuple[RuntimeSettings, OwnerSettings]:
    try:
        settings = load_settings(service_name=os.environ.get("SAVEROUTE_SERVICE_NAME", name))
        owner = OwnerSettings()
    except (ConfigError, ValueError) as exc:
        print(f"saveroute-{name}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s")
    return settings, owner
