"""Route a classified case to a human decision: path, offers, approvers, deadline, play."""

from saveroute.engine.approvals import approval_chain
from saveroute.engine.case_view import with_effective_signal
from saveroute.engine.deadlines import due_at
from saveroute.engine.offers import draft_offers
from saveroute.engine.paths import choose_path, evidence_issues
from saveroute.engine.saveplay import build_save_play
from saveroute.models import Classification, Decision, EnrichedCase
from saveroute.models.enums import Path
from saveroute.policy.schema import Policy

_PATH_WORDS = {
    "route.sensitive": "sensitive case: staff handle it, no offer is drafted",
    "route.evidence_gate": "evidence is missing, stale or contradictory: a person reviews it first",
    "route.unclear": "no clear cause: a person finds out why before anything is offered",
    "route.low_confidence": "the cause is not certain enough to act on: a person reviews it",
    "route.walk_away.margin_floor": "gross margin is below the floor: confirm the cancellation gracefully, no offer",
    "route.walk_away.closing": "the customer is closing: confirm the cancellation gracefully, no offer",
    "route.walk_away.absorbed_by_parent": "absorbed into a parent with its own contract: exit gracefully, no offer",
    "route.support_task": "a specific, fixable question or bug: support fixes it, no commercial offer",
}


def _path_words(rule: str, path: Path) -> str:
    if rule.startswith("route.distress"):
        return "the customer is in distress: a person handles it with care, no offer"
    return _PATH_WORDS.get(rule, f"save path for the cause: {path.value.replace('_', ' ')}")


def route(case: EnrichedCase, classification: Classification, policy: Policy, *, with_save_play: bool = True) -> Decision:
    trigger = case.signal
    case = with_effective_signal(case)
    issues = evidence_issues(case, classification)
    path, path_rule = choose_path(case, classification, issues, policy)
    offers = draft_offers(case, classification, path, policy)
    approvers, approval_rules = approval_chain(case, classification, path, offers.discount_pct, policy)
    due, deadline_rule = due_at(case, policy)
    account = case.account
    evidence = list(classification.evidence) + [f"Route: {_path_words(path_rule, path)}"]
    return Decision(
        signal_id=trigger.signal_id,
        case_id=case.case_id,
        revision=case.revision,
        signal_occurred_at=trigger.occurred_at,
        account_id=case.signal.account_id,
        decided_at=case.now,
        cause=classification.cause,
        confidence=classification.confidence,
        secondary_causes=classification.secondary_causes,
        path=path,
        approvers=approvers,
        sensitive=classification.sensitive,
        evidence_issues=issues,
        offer_types=offers.offer_types,
        drafted_discount_pct=offers.discount_pct,
        due_at=due,
        owner_id=account.owner.id if account else None,
        owner_slack_user_id=account.owner.slack_user_id if account else None,
        owner_manager_id=account.owner.manager_id if account else None,
        evidence=list(dict.fromkeys(evidence)),
        policy_version=policy.version,
        rules=list(dict.fromkeys(case.rules + classification.rules + [path_rule] + offers.rules
                                 + approval_rules + [deadline_rule])),
        source=case.signal.source.value,
        kind=case.signal.kind.value,
        segment=account.segment.value if account and account.segment else None,
        arr=account.arr if account else None,
        currency=account.currency if account else None,
        gross_margin_pct=account.gross_margin_pct if account else None,
        account_name=account.name if account else None,
        save_play=build_save_play(case, classification, path, policy) if with_save_play else None,
        classification=classification,
    )
