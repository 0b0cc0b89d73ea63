"""Start-up of the owner loop's non-stage processes (approvals API, deadline worker).

Reads both settings objects, exits 2 with the reason on bad configuration, and sets
up logging, through the same `saveroute.stack.launch.configure` the stages start with.
"""

from saveroute.owner.settings import OwnerSettings
from saveroute.runtime import RuntimeSettings
from saveroute.stack.launch import configure


def bootstrap(name: str) -> tuple[RuntimeSettings, OwnerSettings]:
    return configure(name, OwnerSettings, (ValueError,))
