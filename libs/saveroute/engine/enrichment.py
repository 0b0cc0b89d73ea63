"""Join a signal with its account and tickets and derive what an owner would check.

Pure: everything is measured from the scenario's `now`. Flags missing and stale
account context here; contradictions between a reason code and the customer's
words need the text, so the classifier flags those.
"""

from datetime import timedelta

from saveroute.models import (
    AccountContext,
    AccountEvidence,
    EnrichedCase,
    EvidenceIssue,
    Scenario,
    Signal,
    SupportTicket,
)
from saveroute.models.enums import ChampionStatus, Csat, TicketStatus
from saveroute.policy.schema import Policy

_OPEN = {TicketStatus.new, TicketStatus.open, TicketStatus.pending, TicketStatus.hold}


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}"


def _recent(tickets: list[SupportTicket], scenario: Scenario, days: int) -> list[SupportTicket]:
    since = scenario.now - timedelta(days=days)
    return [t for t in tickets if since <= t.created_at <= scenario.now + timedelta(days=1)]


def account_evidence(scenario: Scenario, policy: Policy) -> AccountEvidence:
    th = policy.thresholds
    account: AccountContext | None = scenario.account
    recent = _recent(list(scenario.tickets), scenario, th.ticket_window_days)
    breaches = sum(1 for t in recent if t.sla_breached)
    open_count = sum(1 for t in recent if t.status in _OPEN)
    bad_csat = sum(1 for t in recent if t.csat == Csat.bad)
    notes: list[str] = []
    if account is None:
        if recent:
            notes.append(f"{len(recent)} support tickets in the last {th.ticket_window_days} days, "
                         f"{breaches} with an SLA breach")
        return AccountEvidence(sla_breaches_90d=breaches, open_tickets_90d=open_count,
                               bad_csat_90d=bad_csat, tickets_90d=len(recent), notes=notes)

    age_days = (scenario.now - account.as_of).total_seconds() / 86400
    utilisation = None
    if account.seats_purchased:
        utilisation = 100.0 * (account.seats_active or 0) / account.seats_purchased
    trend = account.usage_trend_pct_30d
    collapsed = (utilisation is not None and utilisation < th.usage_collapse_utilisation_pct) or (
        trend is not None and trend <= th.usage_collapse_trend_pct
    )
    healthy = not collapsed and (utilisation is None or utilisation >= th.usage_healthy_utilisation_pct) and (
        trend is None or trend >= th.usage_healthy_trend_pct
    ) and (utilisation is not None or trend is not None)
    days_to_renewal = None
    if account.renewal_date is not None:
        days_to_renewal = (account.renewal_date - scenario.now.date()).days
    renewal_soon = days_to_renewal is not None and 0 <= days_to_renewal <= th.renewal_soon_days
    margin = account.gross_margin_pct
    below_floor = margin is not None and margin < th.margin_floor_pct
    champion_departed = account.champion_status == ChampionStatus.departed

    notes.append(f"ARR {_money(account.arr, account.currency)}"
                 + (f", {account.segment.value.replace('_', '-')}" if account.segment else "")
                 + (f", {account.plan}" if account.plan else ""))
    if utilisation is not None:
        notes.append(f"{account.seats_active or 0} of {account.seats_purchased} seats active ({utilisation:.0f}%)")
    if trend is not None:
        direction = "down" if trend < 0 else "up"
        notes.append(f"Usage {direction} {abs(trend):.0f}% over 30 days" if trend else "Usage flat over 30 days")
    if collapsed:
        notes.append("Usage has collapsed")
    if recent:
        notes.append(f"{len(recent)} support tickets in the last {th.ticket_window_days} days: "
                     f"{breaches} SLA-breached, {open_count} still open, {bad_csat} with bad CSAT")
    if champion_departed:
        notes.append("Champion has departed" + ("" if account.exec_sponsor else ", no executive sponsor"))
    if days_to_renewal is not None:
        when = f"in {days_to_renewal} days" if days_to_renewal >= 0 else f"{-days_to_renewal} days ago"
        notes.append(f"Renewal {when} ({account.renewal_date.isoformat()})")
    if account.tenure_months is not None:
        notes.append(f"Customer for {account.tenure_months} months")
    if margin is not None:
        floor = f" (below the {th.margin_floor_pct:g}% floor)" if below_floor else ""
        notes.append(f"Gross margin {margin:g}%{floor}")
    if age_days > th.stale_account_days:
        notes.append(f"Account context is {age_days:.0f} days old (stale after {th.stale_account_days:g})")
    return AccountEvidence(
        context_age_days=round(age_days, 2),
        seat_utilisation_pct=None if utilisation is None else round(utilisation, 1),
        usage_trend_pct_30d=trend,
        usage_collapsed=collapsed,
        usage_healthy=healthy,
        sla_breaches_90d=breaches,
        open_tickets_90d=open_count,
        bad_csat_90d=bad_csat,
        tickets_90d=len(recent),
        champion_departed=champion_departed,
        days_to_renewal=days_to_renewal,
        renewal_within_30d=renewal_soon,
        tenure_months=account.tenure_months,
        gross_margin_pct=margin,
        below_margin_floor=below_floor,
        high_value=account.arr >= th.high_value_arr,
        strategic=account.arr >= th.strategic_arr,
        notes=notes,
    )


def enrich(
    scenario: Scenario,
    policy: Policy,
    case_id: str | None = None,
    related_signals: list[Signal] | tuple[Signal, ...] = (),
    revision: int = 1,
) -> EnrichedCase:
    """The enriched case for one scenario; `case_id` defaults to the signal id.

    `related_signals` are the earlier signals of the same open case (oldest first).
    """
    evidence = account_evidence(scenario, policy)
    issues: list[EvidenceIssue] = []
    rules: list[str] = []
    if scenario.account is None:
        issues.append(EvidenceIssue.missing_account)
        rules.append("enrich.missing_account")
    elif (evidence.context_age_days or 0) > policy.thresholds.stale_account_days:
        issues.append(EvidenceIssue.stale_account)
        rules.append("enrich.stale_account")
    elif scenario.account.account_id != scenario.signal.account_id:
        issues.append(EvidenceIssue.missing_account)
        rules.append("enrich.account_mismatch")
    return EnrichedCase(
        case_id=case_id or scenario.signal.signal_id,
        now=scenario.now,
        signal=scenario.signal,
        account=scenario.account,
        tickets=list(scenario.tickets),
        evidence=evidence,
        evidence_issues=issues,
        policy_version=policy.version,
        rules=rules,
        related_signals=list(related_signals),
        revision=revision,
    )
