"""Phrases that say a customer means to leave, in English and Malay, kept as data.

Each phrase has a stable id (a bounded metric label), the signal kind it implies
and a regular expression matched case-insensitively on word boundaries. The list
is short on purpose: a match only opens a case; the classifier reads the text.
Order matters: the first matching entry names the kind and the metric label, so
specific wording comes before the bare verb and explicit cancellations before
softer churn-risk wording.
"""

import re
from dataclasses import dataclass

from saveroute.models import SignalKind


@dataclass(frozen=True)
class IntentPhrase:
    phrase_id: str
    kind: SignalKind
    language: str
    pattern: str


PHRASES: tuple[IntentPhrase, ...] = (
    # Malay, explicit cancellation ("batalkan langganan", "stop langganan", "nak cancel")
    IntentPhrase("ms_batal_langganan", SignalKind.cancellation_request, "ms",
                 r"(?:batal(?:kan)?|tamatkan|henti(?:kan)?|berhenti|stop)\s+langganan"),
    IntentPhrase("ms_nak_cancel", SignalKind.cancellation_request, "ms",
                 r"(?:nak|mahu|ingin|terpaksa|kena)\s+(?:cancel|batal)"),
    # English, explicit cancellation: specific wording before the bare verb
    IntentPhrase("en_stop_subscription", SignalKind.cancellation_request, "en",
                 r"(?:stop|end|close)\s+(?:my\s+|our\s+|the\s+)?(?:subscription|account|plan)"),
    IntentPhrase("en_unsubscribe", SignalKind.cancellation_request, "en", r"unsubscrib(?:e|ing)"),
    IntentPhrase("en_terminate", SignalKind.cancellation_request, "en",
                 r"terminat(?:e|ing|ion)\b"),
    IntentPhrase("en_cancel", SignalKind.cancellation_request, "en",
                 r"cancel(?:l?ing|l?ed|lation)?\b"),
    # Softer: not renewing, leaving for something else
    IntentPhrase("en_not_renewing", SignalKind.churn_risk, "en",
                 r"(?:not|won't|will\s+not|aren't|are\s+not|don't\s+plan\s+to)\s+(?:be\s+)?renew(?:ing)?"),
    IntentPhrase("en_switching", SignalKind.churn_risk, "en",
                 r"(?:switch(?:ing)?|mov(?:e|ing))\s+to\s+(?:another|a\s+different|a\s+competitor)"),
    IntentPhrase("ms_tak_renew", SignalKind.churn_risk, "ms",
                 r"(?:tak|tidak|x)\s+(?:nak\s+|akan\s+)?(?:renew|sambung)"),
)

_COMPILED = tuple((p, re.compile(r"\b" + p.pattern, re.IGNORECASE)) for p in PHRASES)


def match_intent(text: str | None) -> IntentPhrase | None:
    """The first phrase the text contains, or None."""
    if not text:
        return None
    for phrase, regex in _COMPILED:
        if regex.search(text):
            return phrase
    return None
