"""Classify a case's root cause from the customer's words and the account's evidence.

Deterministic and explainable: every point of every score comes from a named
policy cue or evidence rule, listed in `cues`, summarised in `evidence`.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from saveroute.engine.case_view import with_effective_signal
from saveroute.engine.scoring import SCORED_CAUSES, Scored, TextReading, read_text, score
from saveroute.engine.similar_cases import Prediction, compiled_model, model_words, predict
from saveroute.engine.text.matcher import Hit, TextAnalysis, matcher_for
from saveroute.engine.text.tokens import shouted_words
from saveroute.models import Classification, CueHit, EnrichedCase
from saveroute.models.enums import Cause, Sensitive
from saveroute.policy.schema import SENSITIVE_LABELS, Policy

_PRODUCT_ISSUES = ("how_to", "bug", "feature_gap", "complexity", "limit")
_EMPTY = TextAnalysis((), ())


def _quote(hits: list[Hit], limit: int = 3) -> str:
    ordered = sorted(hits, key=lambda h: (-h.cue.weight * h.emphasis, h.start))[:limit]
    return ", ".join(f"\u201c{h.surface}\u201d" for h in sorted(ordered, key=lambda h: h.start))


def _confidence(top: float, second: float) -> float:
    if top <= 0:
        return 0.0
    strength = 1 - math.exp(-top / 2.5)
    margin = max(0.0, (top - max(second, 0.0)) / top)
    return round(strength * (0.5 + 0.5 * margin), 4)


def _subjects(case: EnrichedCase, policy: Policy) -> str:
    since = case.now - timedelta(days=policy.thresholds.ticket_window_days)
    return ". ".join(t.subject for t in case.tickets if t.subject and t.created_at >= since)


def _has_focus(analysis: TextAnalysis) -> bool:
    return any(m.kind == "focus" for m in analysis.markers)


def _sensitive(reading: TextReading, text: str, policy: Policy) -> list[Sensitive]:
    cls = policy.classification
    flags = []
    for label in SENSITIVE_LABELS:
        hits = reading.sensitive.get(label, [])
        if label == "angry":
            # float sums start at 0.0 (see scoring.score: mypyc keeps the start's type)
            strong = sum((h.cue.weight for h in hits if h.cue.id == "sensitive.angry"), 0.0)
            weak = sum((h.cue.weight for h in hits if h.cue.id != "sensitive.angry"), 0.0)
            shouted = shouted_words(text, matcher_for(policy).acronyms)
            shouting = "!!" in text or shouted >= cls.anger_caps_words
            words = max(1, len(text.split()))
            sustained = shouted >= cls.shouting_min_words and shouted / words >= cls.shouting_ratio
            if strong >= 3 or (strong + weak >= 1.5 and shouting) or sustained:
                flags.append(Sensitive.angry)
        elif sum((h.cue.weight for h in hits), 0.0) >= 3:
            flags.append(Sensitive(label))
    return flags


def _read(case: EnrichedCase, text: str, has_text: bool, policy: Policy) -> tuple[TextAnalysis, TextReading]:
    if has_text:
        # the account's own name reads as one word, "@name", for cues like "closing @name"
        analysis = matcher_for(policy).analyse(text, case.account.name if case.account else None)
        return analysis, read_text(analysis, policy)
    # No customer words: the subjects of recent tickets are weak evidence of what hurts.
    analysis = matcher_for(policy).analyse(_subjects(case, policy))
    reading = read_text(analysis, policy, scale=policy.classification.evidence.ticket_subjects)
    reading.sensitive.clear()
    reading.distress.clear()
    reading.facets.clear()
    return analysis, reading


def _blend_model(case: EnrichedCase, reading: TextReading, scored: Scored, analysis: TextAnalysis,
                 policy: Policy) -> Prediction | None:
    """Add the similar-cases model's votes to the scores, within the policy's gates."""
    model = policy.classification.model
    if not (model.data and model.weight):
        return None
    prediction = predict(model.data, model_words(analysis))
    if prediction is None:
        return None
    scores = scored.scores
    budget_shifted = any(c.rule == "classify.shift.budget_to_value" for c in scored.cues)
    for cause_name, p in prediction.probabilities.items():
        if cause_name == "unclear":  # "no discernible reason" stays the rules' call
            continue
        if cause_name == "value" and case.evidence.usage_healthy and reading.scores["value"] <= 0:
            continue  # words alone cannot make a value gap of an account that is using what it pays for
        if cause_name == "commercial" and budget_shifted:
            continue  # and cannot undo the policy's rule that budget talk over collapsed usage is value
        if scores[cause_name] <= 0 and not (
            p >= model.unsupported_min_probability and len(prediction.known) >= model.unsupported_min_words
        ):
            continue  # the model re-weighs what the evidence supports; alone it must be sure and well-read
        scores[cause_name] += model.weight * p
    lead = max(prediction.probabilities, key=prediction.probabilities.__getitem__)
    scored.cues.append(CueHit(
        rule=f"model.similar_cases.{model.data.fingerprint}", label=lead,
        weight=round(model.weight * prediction.probabilities[lead], 3), text="", negated=False))
    return prediction


@dataclass(frozen=True)
class _Choice:
    cause: Cause
    confidence: float
    secondary: list[Cause]
    conflicting: list[str]  # causes too close to call, when that made the cause unclear


def _choose(scores: dict[str, float], reading: TextReading, analysis: TextAnalysis, has_text: bool,
            policy: Policy) -> _Choice:
    cls = policy.classification
    ranked = sorted(SCORED_CAUSES, key=lambda c: (-scores[c], SCORED_CAUSES.index(c)))
    top, second = ranked[0], ranked[1]
    top_score = scores[top]
    unclear_floor = cls.unclear_min_score if has_text else cls.unclear_min_score_no_text
    close = [c for c in ranked if scores[c] >= max(unclear_floor, cls.conflict_ratio * top_score)]
    conflicted = has_text and len(close) >= cls.conflict_min_causes and not _has_focus(analysis)
    if top_score < unclear_floor or reading.unclear > top_score or conflicted:
        confidence = round(0.6 * (1 - _confidence(top_score, scores[second])) + 0.2, 4)
        return _Choice(Cause.unclear, confidence, [], close if conflicted else [])
    secondary_floor = max(1.0, 0.4 * top_score)
    secondary = [Cause(c) for c in ranked[1:3] if scores[c] >= secondary_floor]
    return _Choice(Cause(top), _confidence(top_score, scores[second]), secondary, [])


def _product_issue(facets: dict[str, Hit], cause: Cause, text: str) -> str | None:
    issue = next((p for p in _PRODUCT_ISSUES if f"product.{p}" in facets), None)
    if issue is None and cause == Cause.product_fit and "?" in text:
        issue = "how_to"  # a product question with no feature-gap words: something support can answer
    return issue


def _walk_away(facets: dict[str, Hit], cause: Cause, reading: TextReading) -> str | None:
    if cause != Cause.customer_change:
        return None
    # part of the customer carries on: closing four of ten outlets, or a merged customer that
    # says it stays on the platform, is a change to adapt to, not an exit
    if "walk_away.partial" in facets:
        return None
    if "walk_away.closing" in facets and "temporary" not in facets:
        return "closing"
    ownership = any(h.cue.id == "change.ownership" for h in reading.support.get("customer_change", []))
    if "walk_away.absorbed" in facets and ownership:
        return "absorbed_by_parent"
    return None


def _explain(case: EnrichedCase, reading: TextReading, scored: Scored, prediction: Prediction | None,
             choice: _Choice, has_text: bool, sensitive: list[Sensitive], distress: str | None,
             walk_away: str | None) -> tuple[list[str], list[str]]:
    """The evidence in plain words, and the ids of the rules that fired."""
    cause = choice.cause
    words = cause.value.replace("_", " ")
    evidence: list[str] = []
    rules: list[str] = [f"classify.cause.{cause.value}"]
    if cause != Cause.unclear and reading.support.get(cause.value):
        evidence.append(f"Customer's words point to {words}: {_quote(reading.support[cause.value])}")
        rules.extend(dict.fromkeys(h.cue.id for h in reading.support[cause.value]))
    elif cause == Cause.unclear:
        if choice.conflicting:
            evidence.append("The customer's words point to several causes at once and none leads: "
                            + ", ".join(c.replace("_", " ") for c in choice.conflicting))
            rules.append("classify.conflicting_causes")
        elif reading.unclear_hits:
            evidence.append(f"No reason given: {_quote(reading.unclear_hits)}")
        elif not has_text:
            evidence.append("No customer words, and the account evidence points to no cause")
        else:
            evidence.append("The customer's words name no discernible reason")
    for denied_cause, hit in sorted(reading.denied.items(), key=lambda kv: kv[1].start):
        evidence.append(f"Customer rules out {denied_cause.replace('_', ' ')}: \u201c{hit.surface}\u201d")
    for cue in scored.cues:
        if cue.label != cause.value:
            continue
        if cue.rule.startswith("model.") and prediction is not None:
            top = ", ".join(f"\u201c{w}\u201d" for w in prediction.top_words())
            evidence.append(f"Similar labelled cases point to {words} "
                            f"(p={prediction.probabilities[cause.value]:.2f}; words: {top})")
            rules.append(cue.rule)
        elif not cue.rule.startswith(("classify.kind", "classify.reason_code", "model.")):
            evidence.append(f"Account evidence for {words}: {cue.text}")
            rules.append(cue.rule)
    code = case.signal.reason_code
    if scored.reason_code_cause:
        code_words = scored.reason_code_cause.replace("_", " ")
        if scored.contradictory:
            evidence.append(f"Reason code '{code}' points to {code_words}, but the customer's words contradict it")
            rules.append("classify.contradictory")
        else:
            evidence.append(f"Reason code '{code}' agrees ({code_words})")
            rules.append(f"classify.reason_code.{scored.reason_code}")
    for flag in sensitive:
        hits = reading.sensitive.get(flag.value, [])
        quote = f": {_quote(hits)}" if hits else ""
        evidence.append(f"Sensitive ({flag.value.replace('_', ' ')}){quote}")
        rules.append(f"classify.sensitive.{flag.value}")
    if distress:
        evidence.append(f"Customer in distress ({distress}): \u201c{reading.distress[distress].surface}\u201d")
        rules.append(f"classify.distress.{distress}")
    if walk_away:
        hit = reading.facets["walk_away.closing" if walk_away == "closing" else "walk_away.absorbed"]
        evidence.append(f"Walk-away signal ({walk_away.replace('_', ' ')}): \u201c{hit.surface}\u201d")
        rules.append(f"classify.walk_away.{walk_away}")
    evidence.extend(case.evidence.notes)
    return list(dict.fromkeys(evidence)), list(dict.fromkeys(rules))


def prepare_classifier(policy: Policy) -> None:
    """Compile the policy's lexicon and model now instead of on the first signal, so a
    process pays for them at start-up and can freeze them with the rest of its start-up
    state (see saveroute.collector)."""
    matcher_for(policy)
    if policy.classification.model.data is not None:
        compiled_model(policy.classification.model.data)


def classify(case: EnrichedCase, policy: Policy) -> Classification:
    case = with_effective_signal(case)
    text = case.signal.reason_text or ""
    has_text = bool(text.strip())
    analysis, reading = _read(case, text, has_text, policy)
    scored = score(case, reading, has_text, policy)
    prediction = _blend_model(case, reading, scored, analysis, policy) if has_text else None
    choice = _choose(scored.scores, reading, analysis, has_text, policy)
    sensitive = _sensitive(reading, text, policy)
    distress = "grief" if "grief" in reading.distress else ("hardship" if "hardship" in reading.distress else None)
    walk_away = _walk_away(reading.facets, choice.cause, reading)
    evidence, rules = _explain(case, reading, scored, prediction, choice, has_text, sensitive, distress, walk_away)
    # Validated construction: in pydantic v2 it is faster than model_construct (Rust vs Python).
    cue_hits = [
        CueHit(rule=h.cue.id, label=h.cue.label, weight=round(h.cue.weight * h.emphasis, 3),
                               text=h.surface, negated=h.negated)
        for h in analysis.hits
    ] + scored.cues
    return Classification(
        cause=choice.cause,
        confidence=min(1.0, max(0.0, choice.confidence)),
        secondary_causes=choice.secondary,
        scores={c: round(scored.scores[c], 3) for c in SCORED_CAUSES},
        sensitive=sensitive,
        distress=distress,
        contradictory=scored.contradictory,
        reason_code_cause=Cause(scored.reason_code_cause) if scored.reason_code_cause else None,
        product_issue=_product_issue(reading.facets, choice.cause, text),
        walk_away=walk_away,
        contract_change="contract_change" in reading.facets,
        evidence=evidence,
        cues=cue_hits,
        rules=rules,
    )
