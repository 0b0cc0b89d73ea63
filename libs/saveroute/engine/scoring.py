"""Turn cue hits and account evidence into per-cause scores, with their reasons.

Kept apart from `classification.py` so the arithmetic (priors, the budget-to-value
shift, the bug-to-service shift) can be read and tested on its own.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from saveroute.engine.text.matcher import Hit, TextAnalysis
from saveroute.models import CueHit, EnrichedCase
from saveroute.models.enums import TicketStatus
from saveroute.policy.schema import CAUSES, SENSITIVE_LABELS, Policy

SCORED_CAUSES = [c for c in CAUSES if c != "unclear"]
_PRICE_MATCH_CUES = {"commercial.discount_ask", "commercial.price_generic", "commercial.price_weak"}
_PRICE_MATCH_RULES = {"classify.kind.price_concession_request", "classify.evidence.discount_requested"}
_OPEN = {TicketStatus.new, TicketStatus.open, TicketStatus.pending, TicketStatus.hold}


def reason_code_key(code: str | None) -> str | None:
    """A source's reason code as the policy lists it: "Lost to competitor" -> lost_to_competitor."""
    return "_".join((code or "").lower().replace("-", " ").split()) or None


@dataclass
class TextReading:
    """What the customer's words say, before any account evidence is added."""

    scores: dict[str, float] = field(default_factory=lambda: {c: 0.0 for c in SCORED_CAUSES})
    denied: dict[str, Hit] = field(default_factory=dict)
    support: dict[str, list[Hit]] = field(default_factory=dict)
    facets: dict[str, Hit] = field(default_factory=dict)
    sensitive: dict[str, list[Hit]] = field(default_factory=dict)
    unclear: float = 0.0
    unclear_hits: list[Hit] = field(default_factory=list)
    distress: dict[str, Hit] = field(default_factory=dict)

    def top(self) -> tuple[str, float]:
        return max(((c, self.scores[c]) for c in SCORED_CAUSES), key=lambda kv: (kv[1], -SCORED_CAUSES.index(kv[0])))


def read_text(analysis: TextAnalysis, policy: Policy, scale: float = 1.0) -> TextReading:
    """Scores from the words; `scale` < 1 reads weaker text (ticket subjects)."""
    reading = TextReading()
    emphasis = policy.classification.emphasis
    penalty = emphasis.negated_penalty
    seen: dict[str, int] = {}
    for hit in analysis.hits:
        label = hit.cue.label
        repeats = seen.get(hit.cue.id, 0)
        seen[hit.cue.id] = repeats + 1
        weight = hit.cue.weight * scale * (1.0 if repeats == 0 else emphasis.repeat_damping ** repeats)
        if hit.conditional and label == "competitive":
            weight *= emphasis.conditional
        if label in reading.scores:
            if hit.negated:
                reading.scores[label] -= weight * penalty
                reading.denied.setdefault(label, hit)
            else:
                reading.scores[label] += weight * hit.emphasis
                reading.support.setdefault(label, []).append(hit)
                for facet in hit.cue.facets:
                    reading.facets.setdefault(facet, hit)
        elif hit.negated:
            continue
        elif label == "unclear":
            reading.unclear += weight * hit.emphasis
            reading.unclear_hits.append(hit)
        elif label in SENSITIVE_LABELS:
            reading.sensitive.setdefault(label, []).append(hit)
        elif label.startswith("distress."):
            reading.distress.setdefault(label.split(".", 1)[1], hit)
        elif label != "neutral":
            reading.facets.setdefault(label, hit)
    if "usage_positive" in reading.facets:
        hit = reading.facets["usage_positive"]
        reading.scores["value"] -= hit.cue.weight * penalty
        reading.denied.setdefault("value", hit)
    return reading


@dataclass
class Scored:
    scores: dict[str, float]
    cues: list[CueHit]
    reason_code: str | None        # the source's code as the policy lists it (reason_code_key)
    reason_code_cause: str | None
    contradictory: bool


def _open_breached_old_ticket(case: EnrichedCase, days: int) -> bool:
    cutoff = case.now - timedelta(days=days)
    return any(t.sla_breached and t.status in _OPEN and t.created_at <= cutoff for t in case.tickets)


def score(case: EnrichedCase, reading: TextReading, has_text: bool, policy: Policy) -> Scored:
    cls = policy.classification
    weights, shifts = cls.evidence, cls.shifts
    scores = dict(reading.scores)
    cues: list[CueHit] = []

    def add(cause: str, amount: float, rule: str, text: str) -> None:
        scores[cause] += amount
        cues.append(CueHit(rule=rule, label=cause, weight=round(amount, 3), text=text))

    signal, ev = case.signal, case.evidence
    code = reason_code_key(signal.reason_code)
    mapped = cls.reason_codes.get(code) if code else None
    code_cause = mapped.value if mapped else None

    # Contradiction: the text denies the code's cause, or firmly names another,
    # incompatible cause while giving the code's cause no support at all.
    contradictory = False
    if code_cause and has_text:
        text_top, text_top_score = reading.top()
        compatible = any({code_cause, text_top} == {a.value, b.value} for a, b in cls.compatible)
        contradictory = code_cause in reading.denied or (
            text_top != code_cause and text_top_score >= shifts.contradiction_min_text_score
            and reading.scores[code_cause] <= 0 and not compatible
        )
    if code_cause and not contradictory:
        add(code_cause, weights.reason_code, f"classify.reason_code.{code}", f"reason code '{code}'")

    for cause, amount in cls.kind_priors.get(signal.kind.value, {}).items():
        add(cause.value, amount, f"classify.kind.{signal.kind.value}", f"signal kind {signal.kind.value}")

    if signal.requested_discount_pct:
        add("commercial", weights.discount_requested, "classify.evidence.discount_requested",
            f"{signal.requested_discount_pct:g}% discount requested")
    if ev.champion_departed:
        # A new owner or leadership that the words name firmly, with nothing said about the
        # relationship: the departed champion is part of that change, not a relationship gap.
        if (reading.scores["customer_change"] >= shifts.contradiction_min_text_score
                and reading.scores["relationship"] <= 0):
            add("customer_change", weights.champion_departed, "classify.evidence.champion_departed_in_change",
                "champion departed with the change the customer describes")
        else:
            add("relationship", weights.champion_departed, "classify.evidence.champion_departed", "champion departed")
    if ev.sla_breaches_90d:
        amount = weights.sla_breaches + weights.sla_breach_each_extra * min(ev.sla_breaches_90d - 1, 2)
        add("service", amount, "classify.evidence.sla_breaches", f"{ev.sla_breaches_90d} SLA-breached tickets")
    if ev.bad_csat_90d:
        add("service", weights.bad_csat * min(ev.bad_csat_90d, 3), "classify.evidence.bad_csat",
            f"{ev.bad_csat_90d} tickets with bad CSAT")
    usage_positive = "usage_positive" in reading.facets
    if ev.usage_collapsed and not usage_positive:
        add("value", weights.usage_collapsed, "classify.evidence.usage_collapsed", "usage collapsed")
    if "product.bug" in reading.facets and _open_breached_old_ticket(case, weights.unresolved_ticket_days):
        add("service", weights.stale_unresolved_ticket_bug_to_service, "classify.evidence.unresolved_bug",
            "a reported bug left unresolved past its SLA")

    # A death in the customer's business changes the customer, whatever happens next.
    if "grief" in reading.distress:
        add("customer_change", weights.death_in_the_business, "classify.evidence.death_in_the_business",
            "a death in the business")

    # A price ask made to match a competitor's offer is part of the competitive threat.
    competitive_text = reading.scores["competitive"]
    if competitive_text >= shifts.price_match_min_competitive and "cash_flow" not in reading.facets:
        # sums of floats start at 0.0: compiled (mypyc), a generator's sum from the default
        # start 0 keeps an int accumulator and raises on the first float
        price_match = sum(
            (h.cue.weight * h.emphasis for h in reading.support.get("commercial", []) if h.cue.id in _PRICE_MATCH_CUES),
            0.0,
        ) + sum((c.weight for c in cues if c.label == "commercial" and c.rule in _PRICE_MATCH_RULES), 0.0)
        if price_match > 0:
            scores["commercial"] -= price_match
            scores["competitive"] += price_match
            cues.append(CueHit(rule="classify.shift.price_match_to_competitive", label="competitive",
                               weight=round(price_match, 3), text="a price ask to match a competitor"))

    # "Budget cut" is not automatically commercial: with collapsed usage or words
    # about unused value, the price language is really a value gap.
    commercial_text = reading.scores["commercial"]
    if commercial_text > 0 and "cash_flow" not in reading.facets and not usage_positive and (
        ev.usage_collapsed or reading.scores["value"] >= shifts.budget_to_value_min_value_words
    ):
        moved = shifts.budget_to_value_share * commercial_text
        scores["commercial"] -= moved
        scores["value"] += moved
        cues.append(CueHit(rule="classify.shift.budget_to_value", label="value", weight=round(moved, 3),
                           text="price language with unused value"))
    return Scored(scores, cues, code, code_cause, contradictory)
