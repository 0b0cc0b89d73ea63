"""Build the save play for a decision from the policy's template for its cause.

Seed 004's shape: root cause with evidence; Stabilise (week 1), Address (weeks 2-4),
Rebuild (weeks 4-8) with owners and dates from `now`; success criteria; walk-away
criteria; review cadence. Held as data (`SavePlay`); `render.py` makes Markdown.
"""

from datetime import timedelta

from saveroute.models import Classification, EnrichedCase, PlayAction, PlayPhase, SavePlay, SuccessCriterion
from saveroute.models.enums import Cause, Path
from saveroute.policy.schema import PlayStep, Policy

PLAY_PATHS = {
    Path.commercial_review, Path.value_proof, Path.service_recovery, Path.product_gap,
    Path.relationship_rebuild, Path.competitive_defense, Path.adapt_to_change,
    Path.pause_or_downgrade, Path.human_review,
}


def _owner(role: str, owner_name: str | None) -> str:
    return f"{role} ({owner_name})" if role == "Account owner" and owner_name else role


def _actions(steps: list[PlayStep], case: EnrichedCase, owner_name: str | None) -> list[PlayAction]:
    start = case.now.date()
    # Validated construction: in pydantic v2 it is faster than model_construct (Rust vs Python).
    return [
        PlayAction(action=s.action, owner=_owner(s.owner, owner_name), due=start + timedelta(days=s.day),
                                   purpose=s.purpose)
        for s in steps
    ]


def build_save_play(case: EnrichedCase, classification: Classification, path: Path, policy: Policy) -> SavePlay | None:
    if path not in PLAY_PATHS:
        return None
    template = policy.wording.plays.get(classification.cause) or policy.wording.plays.get(Cause.unclear)
    if template is None:
        return None
    account, ev = case.account, case.evidence
    owner_name = account.owner.name if account else None
    today = case.now.date()
    decision_point = today + timedelta(days=56)
    if ev.days_to_renewal is not None and 7 < ev.days_to_renewal - 7 < 56:
        decision_point = today + timedelta(days=ev.days_to_renewal - 7)
    critical = ev.high_value or ev.renewal_within_30d or classification.cause == Cause.competitive
    diagnosis = f"{classification.cause.value.replace('_', ' ').capitalize()}: {template.focus}."
    if path == Path.human_review:
        diagnosis += " Draft only: a person reviews the case before any outreach."
    return SavePlay(
        account_name=(account.name if account and account.name else case.signal.account_id),
        owner_name=owner_name,
        arr=account.arr if account else None,
        currency=account.currency if account else None,
        risk_level="Critical" if critical else "High",
        renewal_date=account.renewal_date if account else None,
        days_to_renewal=ev.days_to_renewal,
        created=today,
        cause=classification.cause,
        diagnosis=diagnosis,
        evidence=list(classification.evidence),
        phases=[
            PlayPhase(name="Stabilise", window="Week 1",
                                      actions=_actions(template.stabilise, case, owner_name)),
            PlayPhase(name="Address", window="Weeks 2-4",
                                      actions=_actions(template.address, case, owner_name)),
            PlayPhase(name="Rebuild", window="Weeks 4-8",
                                      actions=_actions(template.rebuild, case, owner_name)),
        ],
        success_criteria=[
            SuccessCriterion(criterion="Customer re-engagement", metric="Response to outreach, meeting scheduled",
                             target="Customer actively engaged in the save conversation", timeline="Week 1",
                             due=today + timedelta(days=7)),
            SuccessCriterion(criterion="Root cause addressed", metric=template.root_cause_metric,
                             target="Customer acknowledges progress", timeline="Week 4", due=today + timedelta(days=28)),
            SuccessCriterion(criterion="Renewal commitment", metric="Verbal or written confirmation of intent to renew",
                             target="Customer commits to renewal (verbal minimum)", timeline="Week 6-8",
                             due=today + timedelta(days=56)),
        ],
        walk_away=list(template.walk_away) + list(policy.wording.common_walk_away),
        review_weekly_day=policy.wording.review_weekday,
        manager_review=today + timedelta(days=14),
        decision_point=decision_point,
    )
