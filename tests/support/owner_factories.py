"""Approval tasks and decisions for the owner-loop tests, built the way the engine and API build them."""

from datetime import datetime, timedelta, timezone
from typing import Any

from saveroute.models import ApprovalDecision, ApprovalTask
from saveroute.owner.ids import decision_id_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def make_task(**overrides: Any) -> ApprovalTask:
    data: dict[str, Any] = {
        "task_id": "task_acme_1", "case_id": "case_acme_1", "signal_id": "sig_acme_1",
        "account_id": "acct_acme", "account_name": "Acme Analytics",
        "created_at": T0, "due_at": T0 + timedelta(hours=24),
        "path": "commercial_review", "cause": "commercial", "confidence": 0.82,
        "approvers": ["account_owner", "finance", "executive", "legal"],
        "offer_types": ["roi_review", "payment_terms", "discount"],
        "evidence": ["Stripe feedback too_expensive: 'budget cut for Q3'", "ARR 260,000 USD, renewal in 21 days"],
        "owner_id": "usr_dana", "owner_name": "Dana Reyes", "owner_slack_user_id": "U0DANA",
        "owner_manager_id": "usr_mia", "arr": 260000.0, "currency": "USD", "renewal_date": "2026-03-23",
        "segment": "enterprise", "source": "billing", "policy_version": "2026.03",
        "save_play_markdown": "## Diagnosis\n\n**Budget cut**, ROI not shown.\n\n| Action | Owner |\n|---|---|\n| ROI review | CSM |",
    }
    data.update(overrides)
    return ApprovalTask.model_validate(data)


def make_decision(task: ApprovalTask, role: str, verdict: str = "approve", round_: int = 1,
                  minutes: int = 30, comment: str | None = None, channel: str = "api") -> ApprovalDecision:
    return ApprovalDecision(
        decision_id=decision_id_for(task.task_id, role, round_), task_id=task.task_id, case_id=task.case_id,
        role=role, verdict=verdict, comment=comment, actor_id="U0ACTOR", channel=channel,
        decided_at=task.created_at + timedelta(minutes=minutes),
    )
