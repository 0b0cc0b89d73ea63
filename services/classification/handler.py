"""The classification stage: enriched case in, the same case with its classification out."""

from collections.abc import Callable

from pydantic import BaseModel

from saveroute.models import Classification, ClassifiedCase, EnrichedCase
from saveroute.policy import Policy
from saveroute.runtime import InMessage, Ok, OutMessage
from saveroute.runtime.messages import Result
from saveroute.topics import CLASSIFIED_CASES, ENRICHED_CASES, Topic

Classify = Callable[[EnrichedCase, Policy], Classification]
INPUTS = [ENRICHED_CASES]


def event_id(topic: Topic, value: BaseModel) -> str:
    """The source signal's own id: one classification per signal, whatever is redelivered."""
    if not isinstance(value, EnrichedCase):
        raise TypeError(f"classification does not read {type(value).__name__} from {topic.name}")
    return value.signal.signal_id


class ClassificationHandler:
    def __init__(self, policy: Policy, classify: Classify) -> None:
        self.policy = policy
        self.classify = classify

    def __call__(self, messages: list[InMessage]) -> list[Result]:
        return [self._one(message.value) for message in messages]

    def _one(self, case: EnrichedCase) -> Result:
        # An exception here is isolated by the runtime: this case alone is dead-lettered.
        classification = self.classify(case, self.policy)
        classified = ClassifiedCase(case=case, classification=classification)
        return Ok([OutMessage(CLASSIFIED_CASES, case.signal.account_id, classified)])
