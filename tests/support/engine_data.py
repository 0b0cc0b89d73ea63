"""Shared helpers for engine tests: the vendored contracts and a scenario builder."""

import copy
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"
CONTRACTS = DATA / "contracts"
DEV_SET = CONTRACTS / "dev-set.jsonl"
HOLDOUT = DATA / "holdout.jsonl"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def decision_schema() -> dict[str, Any]:
    return json.loads((CONTRACTS / "decision.schema.json").read_text(encoding="utf-8"))


BASE_SCENARIO: dict[str, Any] = {
    "now": "2026-06-01T12:00:00Z",
    "signal": {
        "signal_id": "evt_test_1", "source": "billing", "kind": "cancellation_request",
        "account_id": "acc_1", "occurred_at": "2026-06-01T11:00:00Z",
        "reason_text": None, "reason_code": None, "churn_risk_score": None,
        "requested_discount_pct": None, "contract_change_requested": None,
    },
    "account": {
        "account_id": "acc_1", "name": "Acme Ltd", "plan": "Team", "segment": "smb",
        "arr": 12000, "currency": "USD", "gross_margin_pct": 60, "tenure_months": 20,
        "owner": {"id": "usr_1", "name": "Dana Owner", "email": None, "slack_user_id": "U1", "manager_id": "usr_9"},
        "billing_status": "active", "renewal_date": "2026-12-01", "contract_term_months": 12,
        "auto_renew": True, "seats_purchased": 10, "seats_active": 9, "usage_trend_pct_30d": 0,
        "last_active_at": "2026-05-31T10:00:00Z", "health_score": 70, "champion_status": "active",
        "exec_sponsor": False, "as_of": "2026-05-31T12:00:00Z",
    },
    "tickets": [],
}


def scenario(text: str | None = None, *, signal: dict[str, Any] | None = None,
             account: dict[str, Any] | None | bool = True, tickets: list[dict[str, Any]] | None = None,
             now: str | None = None) -> dict[str, Any]:
    """A valid scenario with overrides; `account=None` drops the account."""
    data = copy.deepcopy(BASE_SCENARIO)
    data["signal"]["reason_text"] = text
    data["signal"].update(signal or {})
    if account is None:
        data["account"] = None
    elif isinstance(account, dict):
        data["account"].update(account)
    if tickets is not None:
        data["tickets"] = tickets
    if now is not None:
        data["now"] = now
    return data
