"""Model instances for the serde and schema tests, for every topic record.

Three kinds per topic: `realistic` (hand-built from a dev-set scenario, for the
records this module knows), `full` (every field set, optional ones included) and
`minimal` (required fields only). `full` and `minimal` are built generically from the
model's fields, so a topic added later is covered without touching this file.
"""

from __future__ import annotations

import json
import types
import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from saveroute.models import (
    AccountEvidence,
    ApprovalDecision,
    ApprovalTask,
    Classification,
    ClassifiedCase,
    Concession,
    CueHit,
    DeadLetter,
    Decision,
    EnrichedCase,
    Outcome,
    PlayAction,
    PlayPhase,
    SavePlay,
    Scenario,
    SuccessCriterion,
)
from saveroute.topics import ALL_TOPICS

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "contracts" / "dev-set.jsonl"  # vendored copy

# The first dev-set line (given a ticket, a score and microseconds), kept here so the tests
# do not depend on the shared directory being next to the repository.
SCENARIO_LINE = {
    "now": "2026-01-05T17:30:00Z",
    "signal": {
        "signal_id": "evt_1QcV2hKe6Ym4Wb8nDu", "source": "billing", "kind": "cancellation_request",
        "account_id": "acc_rowan_realty", "occurred_at": "2026-01-05T16:30:00.123456Z",
        "reason_text": "moving to pipedrive", "reason_code": "switched_service",
        "churn_risk_score": 0.82, "requested_discount_pct": 15, "contract_change_requested": None,
    },
    "account": {
        "account_id": "acc_rowan_realty", "name": "Rowan Realty Group", "plan": "CRM Starter",
        "segment": "smb", "arr": 3600, "currency": "USD", "gross_margin_pct": 75, "tenure_months": 18,
        "owner": {"id": "usr_0263", "name": "Grace Obi", "email": "grace.obi@corvane.example",
                  "slack_user_id": None, "manager_id": "usr_0012"},
        "billing_status": "active", "renewal_date": "2026-04-15", "contract_term_months": 12,
        "auto_renew": True, "seats_purchased": 6, "seats_active": 5, "usage_trend_pct_30d": -20,
        "last_active_at": "2026-01-04T12:30:00Z", "health_score": 45, "champion_status": "active",
        "exec_sponsor": False, "as_of": "2026-01-04T14:30:00Z",
    },
    "tickets": [
        {"ticket_id": "zd-48211", "status": "solved", "created_at": "2025-12-12T09:00:00Z",
         "priority": "high", "subject": "Import keeps failing", "sla_breached": True, "csat": "bad",
         "updated_at": "2025-12-14T10:15:00Z"},
    ],
}


def dev_scenarios() -> list[Scenario]:
    """The 90 dev-set scenarios, or [] when the shared contracts are not next to the repo."""
    if not DEV_SET.exists():
        return []
    return [Scenario.model_validate(json.loads(line)) for line in DEV_SET.read_text().splitlines() if line.strip()]


def realistic() -> dict[str, BaseModel]:
    """One hand-built instance per original topic record, keyed by record name."""
    scenario = Scenario.model_validate(SCENARIO_LINE)
    signal, account = scenario.signal, scenario.account
    assert account is not None
    now = scenario.now
    ticket = scenario.tickets[0].model_copy(update={"account_id": account.account_id})
    evidence = AccountEvidence(
        context_age_days=1.125, seat_utilisation_pct=83.3, usage_trend_pct_30d=-20.0, sla_breaches_90d=1,
        bad_csat_90d=1, tickets_90d=1, days_to_renewal=100, tenure_months=18, gross_margin_pct=75.0,
        notes=["1 SLA breach in 90 days", "renewal in 100 days"],
    )
    case = EnrichedCase(
        case_id="case_7f3a", now=now, signal=signal, account=account, tickets=[ticket], evidence=evidence,
        policy_version="2026.01.0", rules=["enrich.context_fresh"],
    )
    classification = Classification(
        cause="competitive", confidence=0.86, secondary_causes=["service"],
        scores={"competitive": 2.4, "service": 0.9}, sensitive=["angry"], reason_code_cause="competitive",
        evidence=["says 'moving to pipedrive'"],
        cues=[CueHit(rule="cue.competitor_named", label="competitive", weight=2.0, text="pipedrive"),
              CueHit(rule="cue.price", label="commercial", weight=0.5, text="too expensive", negated=True)],
        rules=["classify.competitor"],
    )
    play = SavePlay(
        account_name="Rowan Realty Group", owner_name="Grace Obi", arr=3600.0, currency="USD", risk_level="High",
        renewal_date=date(2026, 4, 15), days_to_renewal=100, created=date(2026, 1, 5), cause="competitive",
        diagnosis="Evaluating Pipedrive after an import failure.", evidence=["import failed twice"],
        phases=[PlayPhase(name="Stabilise", window="Week 1", actions=[
            PlayAction(action="Call the champion", owner="CSM", due=date(2026, 1, 7), purpose="hear the reason")])],
        success_criteria=[SuccessCriterion(criterion="Imports succeed", metric="failed imports", target="0",
                                           timeline="2 weeks", due=date(2026, 1, 19))],
        walk_away=["absorbed by parent"], review_weekly_day="Monday", manager_review=date(2026, 1, 12),
        decision_point=date(2026, 2, 2),
    )
    decision = Decision(
        signal_id=signal.signal_id, case_id=case.case_id, account_id=account.account_id,
        decided_at=now + timedelta(microseconds=417), signal_occurred_at=signal.occurred_at,
        cause="competitive", confidence=0.86, secondary_causes=["service"], path="competitive_defense",
        approvers=["account_owner", "finance"], sensitive=["angry"], offer_types=["discount"],
        drafted_discount_pct=10.0, due_at=now + timedelta(hours=48), owner_id="usr_0263",
        owner_manager_id="usr_0012", evidence=["named competitor"], policy_version="2026.01.0",
        rules=["route.competitive"], source="billing", kind="cancellation_request", segment="smb",
        arr=3600.0, currency="USD", gross_margin_pct=75.0, account_name="Rowan Realty Group",
        save_play=play, classification=classification,
    )
    task = ApprovalTask(
        task_id="task_case_7f3a", case_id=case.case_id, signal_id=signal.signal_id, account_id=account.account_id,
        account_name="Rowan Realty Group", created_at=now, due_at=now + timedelta(hours=48),
        path="competitive_defense", cause="competitive", confidence=0.86, approvers=["account_owner", "finance"],
        sensitive=["angry"], offer_types=["discount"], evidence=["named competitor"], owner_id="usr_0263",
        owner_name="Grace Obi", arr=3600.0, currency="USD", renewal_date="2026-04-15", segment="smb",
        source="billing", policy_version="2026.01.0", save_play_markdown="# Save play\n\n- call", revision=2,
    )
    return {
        "Signal": signal,
        "AccountContext": account,
        "SupportTicket": ticket,
        "EnrichedCase": case,
        "ClassifiedCase": ClassifiedCase(case=case, classification=classification),
        "Decision": decision,
        "ApprovalTask": task,
        "ApprovalDecision": ApprovalDecision(
            decision_id="apd_1", task_id=task.task_id, case_id=case.case_id, role="finance", verdict="changes",
            comment="cap the discount at 10%", actor_id="U024BE7LH", channel="slack",
            decided_at=now + timedelta(hours=3)),
        "Outcome": Outcome(
            outcome_id="evt_1QdA", case_id=case.case_id, account_id=account.account_id, outcome="saved",
            occurred_at=now + timedelta(days=9), retained_arr=3240.0, currency="USD",
            concession=Concession(type="discount", discount_pct=10.0, months=12), margin_after_pct=72.5,
            source="stripe"),
        "DeadLetter": DeadLetter(
            original_value=b'{"signal_id": \xff\x00 not avro', original_key=b"acc_rowan_realty",
            topic="saveroute.signals.v1", partition=3, offset=1234567890123, service="enrichment",
            error="frame: bad magic byte 0x7b22", error_type="undecodable", failed_at=now),
    }


# ---- generic instances -------------------------------------------------------------

_WHEN = datetime(2026, 1, 5, 16, 30, 0, 123456, tzinfo=timezone.utc)


def full(model: type[BaseModel]) -> BaseModel:
    """Every field set, optional ones with a value too."""
    hints = typing.get_type_hints(model, include_extras=True)
    return model.model_validate({name: _value(hints[name], name) for name in model.model_fields})


def minimal(model: type[BaseModel]) -> BaseModel:
    """Only the required fields set; everything else takes its default."""
    hints = typing.get_type_hints(model, include_extras=True)
    return model.model_validate({
        name: _value(hints[name], name, minimal=True)
        for name, info in model.model_fields.items()
        if info.default is PydanticUndefined and info.default_factory is None
    })


def _value(tp, name: str, minimal: bool = False):
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _value(args[0], name, minimal)
    if origin in (typing.Union, types.UnionType):
        return _value(next(a for a in args if a is not type(None)), name, minimal)
    if origin is list:
        return [_value(args[0], name, minimal)]
    if origin is dict:
        return {"alpha": 0.25, "beta": 1.5}
    if origin is typing.Literal:
        return args[-1]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return list(tp)[-1].value
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return (minimal_dict if minimal else full_dict)(tp)
    if tp is datetime:
        return _WHEN
    if tp is date:
        return date(2026, 4, 15)
    if tp is bool:
        return True
    if tp is int:
        return 7
    if tp is float:
        return 0.5
    if tp is bytes:
        return b"\x00\xffraw"
    if tp is str:
        return "EUR" if name == "currency" else f"{name}-\u00e9"
    raise TypeError(f"no sample value for {tp!r}")


def full_dict(model: type[BaseModel]) -> dict:
    return full(model).model_dump()


def minimal_dict(model: type[BaseModel]) -> dict:
    return minimal(model).model_dump()


def samples() -> list[tuple[str, str, BaseModel]]:
    """(topic name, kind, instance) for every topic and every sample kind."""
    hand_built = realistic()
    out = []
    for topic in ALL_TOPICS:
        if topic.record in hand_built:
            out.append((topic.name, "realistic", hand_built[topic.record]))
        out.append((topic.name, "full", full(topic.model)))
        out.append((topic.name, "minimal", minimal(topic.model)))
    return out
