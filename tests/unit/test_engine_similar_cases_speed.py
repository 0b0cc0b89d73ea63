"""The similar-cases model's faster look-ups agree with the plain ones they replaced.

Known features are found with C-level filters over a (first, second) -> bigram map,
and each class's 400 most telling features are picked with a heap, not a full sort.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from saveroute.engine.similar_cases import _Compiled
from saveroute.policy.schema import CauseModel

VOCAB = ["price", "too", "slow", "support", "the", "is", "a_b", "x"]
CLASSES = ["commercial", "value", "service"]


def _model(features: dict[str, list[float]]) -> CauseModel:
    return CauseModel(kind="logistic", trained_on=1, classes=CLASSES, prior=[0.0] * 3, unseen=[0.0] * 3,
                      features=features)


def reference_known(features: dict[str, list[float]], words: list[str]) -> list[str]:
    """The plain version: a bigram is the model's when its first word (up to the first
    underscore) is followed by the rest, so a word holding "_" starts no bigram."""
    following: dict[str, set[str]] = {}
    for f in features:
        if "_" in f:
            first, second = f.split("_", 1)
            following.setdefault(first, set()).add(second)
    known = {w for w in words if w in features}
    known |= {f"{a}_{b}" for a, b in zip(words, words[1:]) if b in following.get(a, ())}
    return sorted(known)


def reference_ranks(features: dict[str, list[float]], width: int) -> list[dict[str, int]]:
    lifts = [{f: v[i] - (sum(v) - v[i]) / (width - 1) for f, v in features.items()} for i in range(width)]
    return [{f: r for r, f in enumerate(sorted(t, key=lambda f: (-t[f], f))[:400])} for t in lifts]


feature_names = st.one_of(
    st.sampled_from(VOCAB),
    st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB)).map("_".join),
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(feature_names, st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0]), min_size=3, max_size=3),
                    max_size=30),
    st.lists(st.sampled_from(VOCAB), max_size=12),
)
def test_known_features_and_ranks_match_the_plain_versions(features, words):
    compiled = _Compiled(_model(features))
    assert compiled.known_features(words) == reference_known(features, words)
    assert compiled.ranks == reference_ranks(features, 3)


def test_ranks_keep_only_the_400_most_telling():
    features = {f"w{i:04d}": [float(i % 7), float(i % 5), 0.0] for i in range(1000)}
    compiled = _Compiled(_model(features))
    assert compiled.ranks == reference_ranks(features, 3)
    assert all(len(r) == 400 for r in compiled.ranks)
