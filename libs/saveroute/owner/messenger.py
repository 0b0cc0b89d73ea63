"""Keeping Slack in step with a chain: post to whoever is awaited, update what was posted.

Shared by the alerts consumer (tasks, decisions, escalations) and the approvals API
(instant feedback on a click). Every call is idempotent: a message is posted once
per task and role (its channel and ts are kept in Redis) and updated only when
what it shows changed, so a redelivered event neither posts nor edits twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from saveroute.models.approval import ApprovalTask
from saveroute.models.approval_chain import ApprovalChainState
from saveroute.models.escalation import Escalation
from saveroute.owner import destinations
from saveroute.owner.blocks import escalation_message, task_message
from saveroute.owner.chain import FINAL_STATUSES, ChainRules
from saveroute.owner.slack import Notifier
from saveroute.owner.stores import MessageStore, StoredMessage, message_version


@dataclass(frozen=True)
class Routing:
    """Where messages go when not to the owner's DM (see `destinations`)."""

    default_channel: str
    staff_channel: str
    escalation_channel: str
    role_channels: Mapping[str, str] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)  # person id -> Slack user id


@dataclass(frozen=True)
class SyncReport:
    posted: list[str]
    updated: list[str]


class Messenger:
    def __init__(self, notifier: Notifier, messages: MessageStore, routing: Routing, rules: ChainRules,
                 offer_catalogue: Mapping[str, str] | None = None) -> None:
        self.notifier, self.messages, self.routing, self.rules = notifier, messages, routing, rules
        self.catalogue = dict(offer_catalogue or {})

    def sync(self, task: ApprovalTask, state: ApprovalChainState, note: str | None = None) -> SyncReport:
        """Post to each awaited role that has no message yet; update the others that are out of date."""
        version = message_version(task, state)
        stored = self.messages.all(task.task_id)
        posted, updated = [], []
        for role in state.approvers:
            slot = str(role)
            existing = stored.get(slot)
            awaited = role in state.awaiting and state.status not in FINAL_STATUSES
            if existing is None and not awaited:
                continue
            if existing is not None and existing.version == version:
                continue
            message = task_message(task, role, state, self.rules, offer_catalogue=self.catalogue, note=note)
            if existing is None:
                where = destinations.for_task(
                    task, role, default_channel=self.routing.default_channel,
                    staff_channel=self.routing.staff_channel, role_channels=self.routing.role_channels)
                result = self.notifier.post(where, message)
                posted.append(slot)
            else:
                self.notifier.update(existing.posted, message)
                result = existing.posted
                updated.append(slot)
            self.messages.put(task.task_id, slot, StoredMessage(result, version))
        return SyncReport(posted, updated)

    def escalate(self, escalation: Escalation, task: ApprovalTask | None) -> bool:
        """Tell the manager, once per escalation; False when it was already sent."""
        slot = f"escalation:{escalation.level}"
        if self.messages.get(escalation.task_id, slot) is not None:
            return False
        manager = self.routing.people.get(escalation.escalate_to_id or "")
        where = destinations.for_manager(manager, escalation_channel=self.routing.escalation_channel)
        result = self.notifier.post(where, escalation_message(escalation, task, manager))
        self.messages.put(escalation.task_id, slot, StoredMessage(result, escalation.escalation_id))
        return True
