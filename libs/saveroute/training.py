"""Train the similar-cases model from labelled scenario files (`saveroute train-model`).

Learning from outcomes starts here: every labelled scenario a retention team
writes or confirms can be fed back, and the model ships as a policy data file.

Two kinds, one file format and one scorer (`engine/similar_cases.py` sums a
per-class base and one weight per known feature, then takes a softmax):

- ``logistic`` (the default): multinomial logistic regression over the binary
  unigram and bigram features, fitted by scikit-learn (an optional dependency,
  `saveroute[train]`, needed only here, never at run time). Its probabilities are
  calibrated well enough to let a confident vote name a cause the rules missed.
  Scored as each set in turn left out of training and run through the engine as it
  was before anyone tuned on that set, it beat naive Bayes by ~0.06 cause macro-F1.
- ``naive-bayes``: the earlier model, pure Python; overconfident on long texts.
"""

import json
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from saveroute.engine.similar_cases import features, model_words
from saveroute.engine.text.matcher import matcher_for
from saveroute.policy.schema import CAUSES, Policy

SMOOTHING = 0.5
MIN_DOCS = 2  # a feature must appear in at least this many training texts
LOGISTIC_C = 2.0  # inverse L2 strength; 1-2 scored alike left-one-set-out, 0.5 and below underfit
KINDS = ("logistic", "naive-bayes")
# Words that carry no cause on their own. A feature made only of these ("with",
# "with_you") is left out of the model, so it cannot vote: scored as each labelled
# set in turn left out of training, the model alone went from 0.894 to 0.907 cause
# accuracy with this list and denied cue words marked (1,268 texts, 12 sets).
FUNCTION_WORDS = frozenset("""
a about all an and any are as at be been by can could did do does for from has have
had he her here him his i if in into is it its just me my of on or our out she
so some than that the their them then there these they this those to up us very was
we were what which who will with would you your also 's
ada dah dan dengan di dia ini itu je kami ke kita lah nak pun saya untuk yang
""".split())


class TrainingUnavailable(RuntimeError):
    """The chosen kind needs a library that is not installed."""


def _labelled_texts(rows: Iterable[dict[str, Any]], policy: Policy) -> list[tuple[set[str], str]]:
    """(features, cause) per labelled text, in a canonical order so the input order cannot matter."""
    matcher = matcher_for(policy)
    pairs = []
    for row in rows:
        text = (row.get("signal") or {}).get("reason_text")
        cause = (row.get("expected") or {}).get("cause")
        name = (row.get("account") or {}).get("name")
        if text and cause in CAUSES:
            pairs.append((text, cause, name or ""))
    pairs.sort()
    return [(_content(features(model_words(matcher.analyse(text, name or None)))), cause)
            for text, cause, name in pairs]


def _content(feats: set[str]) -> set[str]:
    """The features that are not made only of function words."""
    return {f for f in feats if not all(part in FUNCTION_WORDS for part in f.split("_"))}


def train(rows: Iterable[dict[str, Any]], policy: Policy, kind: str = "logistic") -> dict[str, Any]:
    examples = _labelled_texts(rows, policy)
    classes = [c for c in CAUSES if any(cause == c for _, cause in examples)]
    if len(classes) < 2:
        raise ValueError("need labelled texts for at least two causes to train")
    seen = Counter(f for feats, _ in examples for f in feats)
    vocabulary = sorted(f for f, n in seen.items() if n >= MIN_DOCS)
    if kind == "naive-bayes":
        return _naive_bayes(examples, classes, vocabulary)
    if kind == "logistic":
        return _logistic(examples, classes, vocabulary)
    raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(KINDS)}")


def _naive_bayes(examples: list[tuple[set[str], str]], classes: list[str], vocabulary: list[str]) -> dict[str, Any]:
    docs = Counter(cause for _, cause in examples)
    counts: dict[str, Counter[str]] = {c: Counter() for c in classes}
    for feats, cause in examples:
        counts[cause].update(feats)
    total = len(examples)
    unseen = [math.log(SMOOTHING / (docs[c] + 1.0)) for c in classes]
    table = {
        feat: [round(math.log((counts[c][feat] + SMOOTHING) / (docs[c] + 1.0)) - unseen[i], 4)
               for i, c in enumerate(classes)]
        for feat in vocabulary
    }
    return {
        "kind": "naive_bayes_binary_ngrams",
        "trained_on": total,
        "classes": classes,
        "prior": [round(math.log(docs[c] / total), 6) for c in classes],
        "unseen": [round(u, 6) for u in unseen],
        "features": table,
    }


def _logistic(examples: list[tuple[set[str], str]], classes: list[str], vocabulary: list[str]) -> dict[str, Any]:
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # training only: the engine never needs these
        raise TrainingUnavailable(
            "the logistic model is fitted with scikit-learn: pip install 'saveroute[train]' "
            "(or train --kind naive-bayes)") from exc
    column = {f: j for j, f in enumerate(vocabulary)}
    indptr, indices = [0], []
    for feats, _ in examples:
        indices += sorted(column[f] for f in feats if f in column)
        indptr.append(len(indices))
    matrix = csr_matrix(([1.0] * len(indices), indices, indptr), shape=(len(examples), len(vocabulary)))
    fitted = LogisticRegression(C=LOGISTIC_C, max_iter=10_000, tol=1e-6)
    fitted.fit(matrix, [cause for _, cause in examples])
    rows = [list(fitted.classes_).index(c) for c in classes]
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: logits (-z, z) give the same softmax
        half = fitted.coef_[0] / 2
        coef, intercept = [-half, half], [-fitted.intercept_[0] / 2, fitted.intercept_[0] / 2]
    else:
        coef, intercept = [fitted.coef_[i] for i in rows], [fitted.intercept_[i] for i in rows]
    return {
        "kind": "logistic_binary_ngrams",
        "trained_on": len(examples),
        "classes": classes,
        "prior": [round(float(b), 6) for b in intercept],
        "unseen": [0.0] * len(classes),
        "features": {f: [round(float(c[j]), 4) for c in coef] for f, j in column.items()},
    }


def dump(model: dict[str, Any]) -> str:
    return json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n"
