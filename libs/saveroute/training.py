"""Train the similar-cases model from labelled scenario files (`saveroute train-model`).

Learning from outcomes starts here: every labelled scenario a retention team
writes or confirms can be fed back, and the model ships as a policy data file.
"""

import json
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from saveroute.engine.similar_cases import features
from saveroute.engine.text.matcher import matcher_for
from saveroute.policy.schema import CAUSES, Policy

SMOOTHING = 0.5
MIN_DOCS = 2  # a feature must appear in at least this many training texts


def train(rows: Iterable[dict[str, Any]], policy: Policy) -> dict[str, Any]:
    matcher = matcher_for(policy)
    docs: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {c: Counter() for c in CAUSES}
    seen: Counter[str] = Counter()
    for row in rows:
        text = (row.get("signal") or {}).get("reason_text")
        cause = (row.get("expected") or {}).get("cause")
        if not text or cause not in counts:
            continue
        feats = features(matcher.tokens(text).texts)
        docs[cause] += 1
        counts[cause].update(feats)
        seen.update(feats)
    classes = [c for c in CAUSES if docs[c]]
    if len(classes) < 2:
        raise ValueError("need labelled texts for at least two causes to train")
    total = sum(docs.values())
    unseen = [math.log(SMOOTHING / (docs[c] + 1.0)) for c in classes]
    feature_table = {}
    for feat in sorted(f for f, n in seen.items() if n >= MIN_DOCS):
        feature_table[feat] = [
            round(math.log((counts[c][feat] + SMOOTHING) / (docs[c] + 1.0)) - unseen[i], 4)
            for i, c in enumerate(classes)
        ]
    return {
        "kind": "naive_bayes_binary_ngrams",
        "trained_on": total,
        "classes": classes,
        "prior": [round(math.log(docs[c] / total), 6) for c in classes],
        "unseen": [round(u, 6) for u in unseen],
        "features": feature_table,
    }


def dump(model: dict[str, Any]) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n"
