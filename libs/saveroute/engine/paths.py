"""Choose the routing path, in the policy's priority order, and say which rule chose it."""

from saveroute.models import Classification, EnrichedCase
from saveroute.models.enums import Cause, EvidenceIssue, Path
from saveroute.policy.schema import Policy


def evidence_issues(case: EnrichedCase, classification: Classification) -> list[EvidenceIssue]:
    issues = list(case.evidence_issues)
    if classification.contradictory and EvidenceIssue.contradictory not in issues:
        issues.append(EvidenceIssue.contradictory)
    order = list(EvidenceIssue)
    return sorted(issues, key=order.index)


def choose_path(case: EnrichedCase, classification: Classification, issues: list[EvidenceIssue],
                policy: Policy) -> tuple[Path, str]:
    """(path, rule id) — the first rule in priority order that applies."""
    th = policy.thresholds
    account = case.account
    if classification.sensitive:
        return Path.staff_escalation, "route.sensitive"
    if issues:
        return Path.human_review, "route.evidence_gate"
    if classification.cause == Cause.unclear:
        return Path.human_review, "route.unclear"
    if classification.distress:
        return Path.human_review, f"route.distress.{classification.distress}"
    if classification.confidence < th.confidence_floor:
        return Path.human_review, "route.low_confidence"
    if case.evidence.below_margin_floor:
        return Path.clean_exit, "route.walk_away.margin_floor"
    if classification.walk_away:
        return Path.clean_exit, f"route.walk_away.{classification.walk_away}"
    if (
        classification.cause == Cause.product_fit
        and classification.product_issue in policy.routing.support_issues
        and case.signal.source.value in policy.routing.support_sources
        and case.evidence.sla_breaches_90d == 0
        and account is not None
        and account.arr < th.high_value_arr
    ):
        return Path.support_task, "route.support_task"
    return policy.routing.paths_by_cause[classification.cause], f"route.by_cause.{classification.cause.value}"
