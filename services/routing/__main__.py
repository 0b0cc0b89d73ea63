"""`python -m services.routing` / `saveroute-routing`: run the routing stage."""

from saveroute.policy import Policy
from saveroute.runtime import RuntimeSettings, Stage
from saveroute.stack.launch import launch
from services.routing.handler import INPUTS, RoutingHandler, event_id

NAME = "routing"


def build(settings: RuntimeSettings, policy: Policy) -> Stage:
    from saveroute.engine import approval_task_for, route

    return Stage(NAME, INPUTS, RoutingHandler(policy, route, approval_task_for), event_id)


def main() -> None:
    launch(NAME, build)


if __name__ == "__main__":
    main()
