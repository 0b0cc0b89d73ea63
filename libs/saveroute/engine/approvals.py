"""Who must approve a drafted response, in the policy's fixed order."""

from saveroute.models import Classification, EnrichedCase
from saveroute.models.enums import APPROVER_ORDER, ApprovalRole, Path
from saveroute.policy.schema import Policy

_FIXED = {
    Path.staff_escalation: ([ApprovalRole.staff], "approval.staff"),
    Path.human_review: ([ApprovalRole.account_owner], "approval.owner_review"),
    Path.support_task: ([ApprovalRole.support], "approval.support"),
    Path.clean_exit: ([ApprovalRole.account_owner], "approval.owner_exit"),
}


def approval_chain(
    case: EnrichedCase, classification: Classification, path: Path, drafted_discount_pct: float | None, policy: Policy
) -> tuple[list[ApprovalRole], list[str]]:
    if path in _FIXED:
        roles, rule = _FIXED[path]
        return list(roles), [rule]
    roles = {ApprovalRole.account_owner}
    rules = ["approval.owner"]
    requested = case.signal.requested_discount_pct
    discount = requested if requested else drafted_discount_pct
    ap = policy.approvals
    if discount is not None and discount > ap.executive_above_pct:
        roles |= {ApprovalRole.finance, ApprovalRole.executive}
        rules.append("approval.discount_above_executive_threshold")
    elif discount is not None and discount > ap.finance_above_pct:
        roles.add(ApprovalRole.finance)
        rules.append("approval.discount_above_finance_threshold")
    if case.evidence.strategic:
        roles.add(ApprovalRole.executive)
        rules.append("approval.strategic_account")
    change = case.signal.contract_change_requested
    if change or (change is None and classification.contract_change):
        roles.add(ApprovalRole.legal)
        rules.append("approval.contract_change" if change else "approval.contract_change_in_text")
    return sorted(roles, key=lambda r: APPROVER_ORDER.index(r.value)), rules
