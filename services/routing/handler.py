"""The routing stage: classified case in, a decision and its approval task out."""

from collections.abc import Callable

from pydantic import BaseModel

from saveroute.models import ApprovalTask, Classification, ClassifiedCase, Decision, EnrichedCase
from saveroute.policy import Policy
from saveroute.runtime import InMessage, Ok, OutMessage
from saveroute.runtime.messages import Result
from saveroute.topics import APPROVAL_TASKS, CLASSIFIED_CASES, DECISIONS, Topic

Route = Callable[[EnrichedCase, Classification, Policy], Decision]
TaskFor = Callable[[Decision], ApprovalTask]
INPUTS = [CLASSIFIED_CASES]


def event_id(topic: Topic, value: BaseModel) -> str:
    """The source signal's own id: one decision per signal, whatever is redelivered."""
    if not isinstance(value, ClassifiedCase):
        raise TypeError(f"routing does not read {type(value).__name__} from {topic.name}")
    return value.case.signal.signal_id


class RoutingHandler:
    def __init__(self, policy: Policy, route: Route, task_for: TaskFor) -> None:
        self.policy = policy
        self.route = route
        self.task_for = task_for

    def __call__(self, messages: list[InMessage]) -> list[Result]:
        return [self._one(message.value) for message in messages]

    def _one(self, classified: ClassifiedCase) -> Result:
        # An exception here is isolated by the runtime: this case alone is dead-lettered.
        decision = self.route(classified.case, classified.classification, self.policy)
        task = self.task_for(decision)
        key = decision.account_id
        return Ok([OutMessage(DECISIONS, key, decision), OutMessage(APPROVAL_TASKS, key, task)])
