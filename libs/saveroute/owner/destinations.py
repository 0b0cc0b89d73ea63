"""Where each approval request goes: the owner's DM, a role channel, or the staff channel.

Sensitive cases (`staff_escalation`) never go to the owner: they go to staff.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from saveroute.models.approval import ApprovalTask
from saveroute.models.enums import ApprovalRole, Path


@dataclass(frozen=True)
class Destination:
    kind: Literal["user", "channel"]  # a user is messaged by DM (conversations.open)
    id: str


def for_task(
    task: ApprovalTask,
    role: ApprovalRole,
    *,
    default_channel: str,
    staff_channel: str,
    role_channels: Mapping[str, str],
) -> Destination:
    if task.path == Path.staff_escalation or role == ApprovalRole.staff:
        return Destination("channel", staff_channel)
    if role == ApprovalRole.account_owner and task.owner_slack_user_id:
        return Destination("user", task.owner_slack_user_id)
    return Destination("channel", role_channels.get(str(role), default_channel))


def for_manager(manager_slack_id: str | None, *, escalation_channel: str) -> Destination:
    if manager_slack_id:
        return Destination("user", manager_slack_id)
    return Destination("channel", escalation_channel)
