"""Draft offer options for a save path: best first, a discount never first, never below the floor."""

from dataclasses import dataclass

from saveroute.models import Classification, EnrichedCase
from saveroute.models.enums import Path
from saveroute.policy.schema import Policy

NO_OFFER_PATHS = {Path.staff_escalation, Path.human_review, Path.clean_exit, Path.support_task}


@dataclass(frozen=True)
class DraftedOffers:
    offer_types: list[str]
    discount_pct: float | None
    rules: list[str]


def margin_after_discount(gross_margin_pct: float, discount_pct: float) -> float:
    """Gross margin once the price drops by `discount_pct` and cost stays the same."""
    if discount_pct >= 100:
        return -float("inf")
    cost_share = 100.0 - gross_margin_pct
    return 100.0 - cost_share * 100.0 / (100.0 - discount_pct)


def draft_offers(case: EnrichedCase, classification: Classification, path: Path, policy: Policy) -> DraftedOffers:
    if path in NO_OFFER_PATHS:
        return DraftedOffers([], None, [])
    options = list(policy.offers.by_cause.get(classification.cause, []))
    rules = [f"offer.by_cause.{classification.cause.value}"]
    discount = None
    if "discount" in options:
        requested = case.signal.requested_discount_pct
        pct = requested if requested else policy.offers.drafted_discount_pct
        margin = case.account.gross_margin_pct if case.account else None
        allowed = classification.cause in policy.offers.discount_causes
        if not allowed or margin is None:
            options.remove("discount")
            rules.append("offer.discount.no_margin_data" if allowed else "offer.discount.not_for_cause")
        elif margin_after_discount(margin, pct) < policy.thresholds.margin_floor_pct:
            options.remove("discount")
            rules.append("offer.discount.blocked_by_margin_floor")
        else:
            discount = float(pct)
            rules.append("offer.discount.drafted")
    return DraftedOffers(options, discount, rules)
