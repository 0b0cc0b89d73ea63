"""Render a decision and its save play as Markdown for people (`saveroute explain`, Slack)."""

from saveroute.models import Decision, SavePlay
from saveroute.models._base import iso_z


def _money(amount: float | None, currency: str | None) -> str:
    return "unknown" if amount is None else f"{currency or ''} {amount:,.0f}".strip()


def render_save_play(play: SavePlay) -> str:
    renewal = "none on record"
    if play.renewal_date is not None:
        renewal = f"{play.renewal_date.isoformat()} ({play.days_to_renewal} days)"
    lines = [
        f"## Save Play: {play.account_name}",
        f"**ARR:** {_money(play.arr, play.currency)} | **Risk Level:** {play.risk_level} | **Renewal:** {renewal}",
        f"**Created:** {play.created.isoformat()} | **Owner:** {play.owner_name or 'unassigned'}",
        "",
        "### Root Cause",
        play.diagnosis,
        "",
        *[f"- {item}" for item in play.evidence],
        "",
        "### Intervention Plan",
    ]
    for phase in play.phases:
        lines += ["", f"**Phase: {phase.name} ({phase.window})**", "",
                  "| Action | Owner | Deadline | Purpose |", "|---|---|---|---|"]
        lines += [f"| {a.action} | {a.owner} | {a.due.isoformat()} | {a.purpose} |" for a in phase.actions]
    lines += ["", "### Success Criteria", "", "| Criteria | Metric | Target | Timeline |", "|---|---|---|---|"]
    lines += [f"| {c.criterion} | {c.metric} | {c.target} | {c.timeline} ({c.due.isoformat()}) |"
              for c in play.success_criteria]
    lines += ["", "### Walk-Away Criteria", ""] + [f"- {w}" for w in play.walk_away]
    lines += ["", "### Review Cadence", "",
              f"Weekly status check: {play.review_weekly_day}",
              f"Manager review: {play.manager_review.isoformat()}",
              f"Decision point: {play.decision_point.isoformat()}"]
    return "\n".join(lines) + "\n"


def render_markdown(decision: Decision) -> str:
    approvers = ", ".join(a.value for a in decision.approvers)
    offers = ", ".join(decision.offer_types) or "none drafted"
    if decision.drafted_discount_pct is not None:
        offers += f" (discount drafted at {decision.drafted_discount_pct:g}%)"
    lines = [
        f"# Decision for {decision.signal_id}",
        "",
        f"- **Account:** {decision.account_name or decision.account_id} ({_money(decision.arr, decision.currency)})",
        f"- **Cause:** {decision.cause.value} (confidence {decision.confidence:.2f})"
        + (f"; also {', '.join(c.value for c in decision.secondary_causes)}" if decision.secondary_causes else ""),
        f"- **Path:** {decision.path.value}",
        f"- **Approvers:** {approvers}",
        f"- **Due:** {iso_z(decision.due_at)}",
        f"- **Offers:** {offers}",
    ]
    if decision.sensitive:
        lines.append(f"- **Sensitive:** {', '.join(s.value for s in decision.sensitive)}")
    if decision.evidence_issues:
        lines.append(f"- **Evidence issues:** {', '.join(e.value for e in decision.evidence_issues)}")
    lines += ["", "## Evidence", ""] + [f"- {e}" for e in decision.evidence]
    lines += ["", f"Policy {decision.policy_version}; rules: {', '.join(decision.rules)}", ""]
    if decision.save_play is not None:
        lines += [render_save_play(decision.save_play)]
    return "\n".join(lines)
