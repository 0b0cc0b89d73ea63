"""One churn episode read as one signal: the words of every signal in the case, oldest
first, the newest reason code and discount ask, and any contract change requested.

A Stripe portal cancellation sends its feedback only in the second event, and an
angry ticket may follow a billing cancellation: the case is judged on all of it.
"""

from saveroute.models import EnrichedCase, Signal


def effective_signal(case: EnrichedCase) -> Signal:
    if not case.related_signals:
        return case.signal
    signals = [*case.related_signals, case.signal]
    texts = [s.reason_text.strip() for s in signals if s.reason_text and s.reason_text.strip()]
    unique_texts = list(dict.fromkeys(texts))

    def newest(field: str):
        for signal in reversed(signals):
            value = getattr(signal, field)
            if value is not None and value != "":
                return value
        return None

    changes = [s.contract_change_requested for s in signals if s.contract_change_requested is not None]
    return case.signal.model_copy(update={
        "reason_text": "\n".join(unique_texts) or None,
        "reason_code": newest("reason_code"),
        "requested_discount_pct": newest("requested_discount_pct"),
        "churn_risk_score": newest("churn_risk_score"),
        "contract_change_requested": (True if any(changes) else (False if changes else None)),
    })


def with_effective_signal(case: EnrichedCase) -> EnrichedCase:
    if not case.related_signals:
        return case
    return case.model_copy(update={"signal": effective_signal(case)})
