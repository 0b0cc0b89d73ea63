"""A small linear model of causes, learned from labelled scenarios and shipped as data.

The rules name the evidence a retention lead would name; this model adds what
similar labelled cases say, so wording no rule anticipated still counts. It is
deterministic and explainable: a prediction names the words that moved it most.

Binary unigram and bigram features over the engine's own tokens, with the words
of a cue the customer denies marked "not-" ("support is fine" is not a vote for
service). Words outside the model's vocabulary are ignored; training leaves out
features made only of function words (training.py), so "with you" cannot vote.
One scorer serves both kinds `saveroute train-model` writes (see training.py):
score_c = prior_c + |K| * unseen_c + the sum of the weights of the known
features K, then a softmax. For logistic
regression `prior` is the intercept and `unseen` is zero; for naive Bayes the
weights are log P(f|c) as deltas from the class's unseen-word value.
"""

import heapq
from collections.abc import Iterator
import math
from dataclasses import dataclass

from saveroute.engine.compiled import PerObject
from saveroute.engine.text.matcher import TextAnalysis
from saveroute.policy.schema import CAUSE_LABELS, CauseModel

NEGATED = "not-"  # no token holds a hyphen, and "_" joins bigrams


def model_words(analysis: TextAnalysis) -> list[str]:
    """The analysis's words as the model reads them: each word of a denied cause cue
    prefixed NEGATED. Training and prediction both read text through this."""
    words = list(analysis.words)
    for hit in analysis.hits:
        if hit.negated and hit.cue.label in CAUSE_LABELS:
            for i in range(hit.start, hit.end):
                words[i] = NEGATED + words[i]
    return words


def features(words: list[str]) -> set[str]:
    """Unigrams and bigrams, as training counts them (prediction reads only the known ones)."""
    return set(words) | {f"{a}_{b}" for a, b in zip(words, words[1:])}


class _Compiled:
    """Tuples instead of lists, and each feature's total, computed once per model."""

    def __init__(self, model: CauseModel):
        self.classes = list(model.classes)
        self.prior = list(model.prior)
        self.unseen = list(model.unseen)
        self.vectors = {f: tuple(v) for f, v in model.features.items()}
        width = len(self.classes)
        # lift of a feature for class i: its delta for i minus its mean delta elsewhere;
        # per class, the rank of each of its 400 most telling features (0 = most telling),
        # one dict per class so ranking words is a C-level look-up per word. The order is
        # (-lift, feature), a total order, so the 400 smallest are picked without sorting all.
        items = [(f, v, sum(v)) for f, v in model.features.items()]
        others = width - 1
        self.ranks: list[dict[str, int]] = []
        for i in range(width):
            top = heapq.nsmallest(400, [(-(v[i] - (total - v[i]) / others), f) for f, v, total in items])
            self.ranks.append({f: r for r, (_, f) in enumerate(top)})
        # (first word, second word) -> the bigram feature, for every bigram the model has:
        # a bigram's string is never built, and the look-ups run in C
        self.bigrams: dict[tuple[str, str], str] = {}
        for f in model.features:
            if "_" in f:
                first, second = f.split("_", 1)
                self.bigrams[(first, second)] = f

    def known_features(self, words: list[str]) -> list[str]:
        """The unigrams and bigrams of `words` the model has, sorted (deterministic)."""
        known = set(filter(self.vectors.__contains__, words))
        known.update(filter(None, map(self.bigrams.get, zip(words, words[1:]))))
        return sorted(known)


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]
    known: list[str]
    best: int
    compiled: _Compiled

    def top_words(self, limit: int = 3) -> list[str]:
        """The known features that most favour the top class (computed only when shown)."""
        ranks = self.compiled.ranks[self.best]
        top = sorted([(ranks[f], f) for f in self.known if f in ranks])[:limit]
        return [f.replace("_", " ") for _, f in top]


compiled_model: PerObject[CauseModel, _Compiled] = PerObject(_Compiled)


def predict(model: CauseModel, words: list[str]) -> Prediction | None:
    compiled = compiled_model(model)
    vectors = compiled.vectors
    known = compiled.known_features(words)
    if not known:
        return None
    n = len(known)
    sums: Iterator[float] = map(sum, zip(*map(vectors.__getitem__, known)))  # per class, in C
    scores: list[float] = [p + n * u + s for p, u, s in zip(compiled.prior, compiled.unseen, sums)]
    peak = max(scores)
    exps = [math.exp(x - peak) for x in scores]
    total = sum(exps)
    probs = {c: e / total for c, e in zip(compiled.classes, exps)}
    return Prediction(probs, known, scores.index(peak), compiled)
