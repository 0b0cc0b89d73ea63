"""A small linear model of causes, learned from labelled scenarios and shipped as data.

The rules name the evidence a retention lead would name; this model adds what
similar labelled cases say, so wording no rule anticipated still counts. It is
deterministic and explainable: a prediction names the words that moved it most.

Binary unigram and bigram features over the engine's own tokens. Words outside
the model's vocabulary are ignored. One scorer serves both kinds `saveroute
train-model` writes (see training.py): score_c = prior_c + |K| * unseen_c + the
sum of the weights of the known features K, then a softmax. For logistic
regression `prior` is the intercept and `unseen` is zero; for naive Bayes the
weights are log P(f|c) as deltas from the class's unseen-word value.
"""

import math
from dataclasses import dataclass

from saveroute.engine.compiled import PerObject
from saveroute.policy.schema import CauseModel


def features(words: list[str]) -> set[str]:
    """Unigrams and bigrams, as training counts them (prediction reads only the known ones)."""
    return set(words) | {f"{a}_{b}" for a, b in zip(words, words[1:])}


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]
    known: list[str]
    best: int
    compiled: "_Compiled"

    def top_words(self, limit: int = 3) -> list[str]:
        """The known features that most favour the top class (computed only when shown)."""
        ranks = self.compiled.ranks[self.best]
        top = sorted([(ranks[f], f) for f in self.known if f in ranks])[:limit]
        return [f.replace("_", " ") for _, f in top]


class _Compiled:
    """Tuples instead of lists, and each feature's total, computed once per model."""

    def __init__(self, model: CauseModel):
        self.classes = list(model.classes)
        self.prior = list(model.prior)
        self.unseen = list(model.unseen)
        self.vectors = {f: tuple(v) for f, v in model.features.items()}
        width = len(self.classes)
        # lift of a feature for class i: its delta for i minus its mean delta elsewhere;
        # one dict per class so ranking words is a C-level look-up per word
        lifts = [
            {f: v[i] - (sum(v) - v[i]) / (width - 1) for f, v in model.features.items()} for i in range(width)
        ]
        # per class, the rank of each of its 400 most telling features (0 = most telling)
        self.ranks: list[dict[str, int]] = [
            {f: r for r, f in enumerate(sorted(table, key=lambda f: (-table[f], f))[:400])} for table in lifts
        ]
        # first word -> the second words the model knows after it: a bigram's string is
        # built only when the model has it
        following: dict[str, set[str]] = {}
        for f in model.features:
            if "_" in f:
                first, second = f.split("_", 1)
                following.setdefault(first, set()).add(second)
        self.following = {first: frozenset(seconds) for first, seconds in following.items()}

    def known_features(self, words: list[str]) -> list[str]:
        """The unigrams and bigrams of `words` the model has, sorted (deterministic)."""
        vectors, following = self.vectors, self.following
        known = {w for w in words if w in vectors}
        for a, b in zip(words, words[1:]):
            seconds = following.get(a)
            if seconds is not None and b in seconds:
                known.add(f"{a}_{b}")
        return sorted(known)


_compiled: PerObject[CauseModel, _Compiled] = PerObject(_Compiled)


def predict(model: CauseModel, words: list[str]) -> Prediction | None:
    compiled = _compiled(model)
    vectors = compiled.vectors
    known = compiled.known_features(words)
    if not known:
        return None
    n = len(known)
    sums = map(sum, zip(*map(vectors.__getitem__, known)))  # per class, in C
    scores = [p + n * u + total for p, u, total in zip(compiled.prior, compiled.unseen, sums)]
    peak = max(scores)
    exps = [math.exp(x - peak) for x in scores]
    total = sum(exps)
    probs = {c: e / total for c, e in zip(compiled.classes, exps)}
    return Prediction(probs, known, scores.index(peak), compiled)
