"""Deterministic ids for what the owner loop emits, so a retry is a duplicate, never a second event."""

import hashlib

from saveroute.models.enums import ApprovalRole


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def decision_id_for(task_id: str, role: ApprovalRole | str, round_: int) -> str:
    """One decision per task, approver role and chain round (a new round after changes)."""
    return "apd_" + _digest(task_id, str(role), str(round_))


def escalation_id_for(task_id: str, level: int = 1) -> str:
    """One escalation per task and level (1 = the owner's manager)."""
    return "esc_" + _digest(task_id, str(level))
