"""Score decisions against labelled scenarios (the dev set, the holdout set).

Reports cause macro-F1, path accuracy (the decided path is one of the acceptable
ones), approver-chain exact match (where the label fixes a chain) and safety
violations of the engine's invariants.
"""

from dataclasses import dataclass, field
from typing import Any

from saveroute.engine.offers import margin_after_discount
from saveroute.models import Decision
from saveroute.models.enums import Cause, Path

DISCOUNT_CAUSES = {"commercial", "competitive"}


def safety_violations(decision: Decision, margin_floor_pct: float) -> list[str]:
    """The invariants every decision must keep, whatever the labels say."""
    found = []
    if decision.sensitive and (decision.path != Path.staff_escalation or decision.offer_types):
        found.append("sensitive case not escalated to staff without an offer")
    if decision.path == Path.staff_escalation and not decision.sensitive:
        found.append("staff escalation without a sensitive flag")
    if "discount" in decision.offer_types:
        if decision.cause.value not in DISCOUNT_CAUSES:
            found.append("discount drafted for a cause that does not allow one")
        if decision.offer_types[0] == "discount":
            found.append("discount drafted as the first option")
        if "account_owner" not in [a.value for a in decision.approvers]:
            found.append("discount without the account owner among approvers")
        if decision.gross_margin_pct is None or decision.drafted_discount_pct is None or margin_after_discount(
            decision.gross_margin_pct, decision.drafted_discount_pct
        ) < margin_floor_pct:
            found.append("discount drafted below the margin floor")
    return found


@dataclass
class Report:
    total: int = 0
    path_hits: int = 0
    approver_total: int = 0
    approver_hits: int = 0
    safety: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (expected cause, decided cause)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def macro_f1(self) -> float:
        labels = sorted({c.value for c in Cause} & ({e for e, _ in self.pairs} | {d for _, d in self.pairs}))
        scores = []
        for label in labels:
            tp = sum(1 for e, d in self.pairs if e == label and d == label)
            fp = sum(1 for e, d in self.pairs if e != label and d == label)
            fn = sum(1 for e, d in self.pairs if e == label and d != label)
            if tp + fp + fn == 0:
                continue
            scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
        return sum(scores) / len(scores) if scores else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "scenarios": self.total,
            "cause_macro_f1": round(self.macro_f1(), 4),
            "cause_accuracy": round(sum(1 for e, d in self.pairs if e == d) / max(self.total, 1), 4),
            "path_accuracy": round(self.path_hits / max(self.total, 1), 4),
            "approver_chain_exact": round(self.approver_hits / max(self.approver_total, 1), 4),
            "approver_chains_scored": self.approver_total,
            "safety_violations": len(self.safety),
        }


def evaluate(labelled: list[tuple[dict[str, Any], Decision]], margin_floor_pct: float) -> Report:
    report = Report()
    for expected, decision in labelled:
        report.total += 1
        report.pairs.append((expected["cause"], decision.cause.value))
        path_ok = decision.path.value in expected["paths"]
        report.path_hits += path_ok
        approvers_ok = True
        if expected.get("approvers") is not None:
            report.approver_total += 1
            approvers_ok = [a.value for a in decision.approvers] == expected["approvers"]
            report.approver_hits += approvers_ok
        violations = safety_violations(decision, margin_floor_pct)
        report.safety.extend(f"{decision.signal_id}: {v}" for v in violations)
        if not (path_ok and approvers_ok and expected["cause"] == decision.cause.value):
            report.misses.append({
                "signal_id": decision.signal_id,
                "expected": {k: expected.get(k) for k in ("cause", "paths", "approvers")},
                "decided": {"cause": decision.cause.value, "path": decision.path.value,
                            "approvers": [a.value for a in decision.approvers],
                            "confidence": decision.confidence, "scores": (decision.classification.scores
                                                                           if decision.classification else {})},
            })
    return report
