"""One readable line per decision, for people watching `saveroute up` or `saveroute demo`."""

from datetime import datetime

from saveroute.models import Decision


def summary_line(decision: Decision, now: datetime | None = None) -> str:
    """`<account> | <cause> 0.82 -> <path> | approvers: ... | due ... | offers: ...`."""
    who = f"{decision.account_name} ({decision.account_id})" if decision.account_name else decision.account_id
    value = ""
    if decision.arr is not None and decision.currency:
        value = f" {decision.currency} {decision.arr:,.0f}"
    due = decision.due_at.strftime("%Y-%m-%d %H:%MZ")
    if now is not None:
        hours = (decision.due_at - now).total_seconds() / 3600
        due += f" (in {hours:.0f}h)" if hours >= 0 else f" (overdue by {-hours:.0f}h)"
    parts = [
        f"{who}{value}",
        f"{decision.cause.value} {decision.confidence:.2f} -> {decision.path.value}",
        "approvers: " + (", ".join(a.value for a in decision.approvers) or "none"),
        f"due {due}",
        "offers: " + (", ".join(decision.offer_types) or "none"),
    ]
    if decision.sensitive:
        parts.append("sensitive: " + ", ".join(s.value for s in decision.sensitive))
    if decision.evidence_issues:
        parts.append("evidence: " + ", ".join(e.value for e in decision.evidence_issues))
    return " | ".join(parts)
