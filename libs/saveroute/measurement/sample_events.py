"""Small valid events for the measurement tests and for feeding the metrics service by hand.

Each builder fills every required field with a plausible value and lets the
caller set what the measurement depends on.
"""

from datetime import datetime, timedelta, timezone

from saveroute.models import ApprovalDecision, ApprovalTask, Concession, Decision, Outcome

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


def decision(n: int, cause: str = "commercial", path: str = "commercial_review",
             segment: str | None = "mid_market", source: str = "billing",
             signal_to_task: timedelta = timedelta(seconds=30),
             gross_margin_pct: float | None = 60.0) -> Decision:
    return Decision.model_validate({
        "signal_id": f"sig-{n}", "case_id": f"case-{n}", "account_id": f"acct-{n}",
        "decided_at": T0 + signal_to_task, "signal_occurred_at": T0,
        "cause": cause, "confidence": 0.9, "path": path, "approvers": ["account_owner"],
        "due_at": T0 + timedelta(hours=48), "policy_version": "test", "source": source,
        "kind": "cancellation_request", "segment": segment, "arr": 48000.0, "currency": "USD",
        "gross_margin_pct": gross_margin_pct,
    })


def task(n: int, cause: str = "commercial", path: str = "commercial_review",
         segment: str | None = "mid_market", offer_types: tuple[str, ...] = ("roi_review", "discount"),
         due_in: timedelta = timedelta(hours=48), revision: int = 1,
         created_at: datetime = T0) -> ApprovalTask:
    return ApprovalTask.model_validate({
        "task_id": f"task-{n}", "case_id": f"case-{n}", "signal_id": f"sig-{n}",
        "account_id": f"acct-{n}", "created_at": created_at, "due_at": created_at + due_in,
        "path": path, "cause": cause, "confidence": 0.9, "approvers": ["account_owner"],
        "offer_types": list(offer_types), "segment": segment, "source": "billing",
        "policy_version": "test", "revision": revision,
    })


def approval(n: int, task_n: int, verdict: str = "approve", role: str = "account_owner",
             after: timedelta = timedelta(hours=2)) -> ApprovalDecision:
    return ApprovalDecision.model_validate({
        "decision_id": f"ad-{n}", "task_id": f"task-{task_n}", "case_id": f"case-{task_n}",
        "role": role, "verdict": verdict, "decided_at": T0 + after,
    })


def outcome(n: int, case_n: int | None, kind: str = "saved", retained_arr: float = 0.0,
            currency: str = "USD", discount_pct: float | None = None,
            margin_after_pct: float | None = None, account_n: int | None = None) -> Outcome:
    concession = None if discount_pct is None else Concession(type="discount", discount_pct=discount_pct, months=3)
    return Outcome.model_validate({
        "outcome_id": f"out-{n}", "case_id": None if case_n is None else f"case-{case_n}",
        "account_id": f"acct-{account_n if account_n is not None else case_n}", "outcome": kind,
        "occurred_at": T0 + timedelta(days=5), "retained_arr": retained_arr, "currency": currency,
        "concession": concession, "margin_after_pct": margin_after_pct,
    })
