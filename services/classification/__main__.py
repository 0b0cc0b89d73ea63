"""`python -m services.classification` / `saveroute-classification`: run the classification stage."""

from saveroute.policy import Policy
from saveroute.runtime import RuntimeSettings, Stage
from saveroute.stack.launch import launch
from services.classification.handler import INPUTS, ClassificationHandler, event_id

NAME = "classification"


def build(settings: RuntimeSettings, policy: Policy) -> Stage:
    from saveroute.engine import classify, prepare_classifier

    prepare_classifier(policy)  # compiled before the loop starts, so run_stage freezes it with the rest
    return Stage(NAME, INPUTS, ClassificationHandler(policy, classify), event_id)


def main() -> None:
    launch(NAME, build)


if __name__ == "__main__":
    main()
