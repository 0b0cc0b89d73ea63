"""The speed-ups in phrase matching agree with the plain algorithms they replaced.

Gap phrases match by recursing once per gap over runs of elements instead of once
per element; the index answers from one memoised entry per start word and a frozen
copy of its trie. Both are held to straightforward references on generated text.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from saveroute.policy.phrases import GAP_MAX, PhraseIndex, compile_phrase, match_texts


def reference_walk(phrase, texts: list[str], clauses: list[int], start: int) -> int:
    """The element-by-element backtracking walk: the shortest skip at each gap first."""
    clause, n, elems = clauses[start], len(texts), phrase.elems

    def walk(elem_i: int, tok_i: int) -> int:
        if elem_i == len(elems):
            return tok_i
        elem = elems[elem_i]
        if elem.kind == "gap":
            for skip in range(GAP_MAX + 1):
                j = tok_i + skip
                if j >= n or clauses[j] != clause:
                    return -1
                end = walk(elem_i + 1, j)
                if end != -1:
                    return end
            return -1
        if tok_i >= n or clauses[tok_i] != clause or not elem.accepts(texts[tok_i]):
            return -1
        return walk(elem_i + 1, tok_i + 1)

    return walk(0, start)


WORDS = ["price", "pricey", "too", "the", "not", "support", "slow", "is", "a"]
ELEMS = ["price*", "too", "*", "(the|not)", "support", "slow", "...", "is"]


def _clauses(count: int, breaks: list[int]) -> list[int]:
    clauses, clause = [], 0
    for i in range(count):
        clause += breaks[i] if i else 0
        clauses.append(clause)
    return clauses


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(ELEMS), min_size=2, max_size=6)
    .filter(lambda e: e[0] not in ("*", "...") and e[-1] not in ("*", "...") and "..." in e),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=14),
    st.lists(st.integers(0, 1), min_size=14, max_size=14),
)
def test_gap_phrases_match_like_the_element_walk(elems, texts, breaks):
    clauses = _clauses(len(texts), [b if b and i % 5 == 0 else 0 for i, b in enumerate(breaks)])
    phrase = compile_phrase(" ".join(elems), owner="test")
    assert phrase.has_gap
    for start in range(len(texts)):
        assert match_texts(phrase, texts, clauses, start) == reference_walk(phrase, texts, clauses, start)


def test_two_gaps_in_a_row_and_the_gap_limit():
    phrase = compile_phrase("too ... ... slow", owner="test")
    assert phrase.segments == ((phrase.elems[0],), (), (phrase.elems[-1],))
    texts = ["too"] + ["a"] * 10 + ["slow"]
    assert match_texts(phrase, texts, [0] * 12, 0) == 12  # two gaps of five words each
    assert match_texts(phrase, ["too"] + ["a"] * 11 + ["slow"], [0] * 13, 0) == -1


PHRASES = ["price*", "too expensive", "not (the|a) price", "support ... slow", "slow support", "the * price",
           "price too", "(too|not) slow*", "support", "not the price*", "support is ... slow",
           "too (slow|expensive) *", "the price", "the price is", "is ... too ... slow"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS + ["expensive"]), min_size=1, max_size=10),
    st.lists(st.integers(0, 1), min_size=10, max_size=10),
)
def test_index_matches_in_order_literal_then_generic(texts, breaks):
    """Literal phrases shortest first, then generic ones in index order, as before."""
    clauses = _clauses(len(texts), breaks)
    compiled = [compile_phrase(p, owner=p) for p in PHRASES]
    index = PhraseIndex()
    for phrase in compiled:
        index.add(phrase)
    literal = [p for p in compiled if not p.has_gap and all(e.kind == "word" or (e.kind == "alt" and not e.prefixes)
                                                           for e in p.elems)]
    for start in range(len(texts)):
        found = index.matches_at(texts, clauses, start)
        expected_literal = sorted(
            ((match_texts(p, texts, clauses, start), p.source) for p in literal
             if match_texts(p, texts, clauses, start) != -1),
            key=lambda pair: pair[0],
        )
        expected_generic = [
            (match_texts(p, texts, clauses, start), p.source) for p in index.generic_for(texts[start])
            if match_texts(p, texts, clauses, start) != -1
        ]
        got = [(end, p.source) for end, p in found]
        assert sorted(got[:len(expected_literal)]) == sorted(expected_literal)
        assert [e for e, _ in got[:len(expected_literal)]] == [e for e, _ in expected_literal]
        assert got[len(expected_literal):] == expected_generic


def test_adding_a_phrase_after_matching_is_seen():
    index = PhraseIndex()
    index.add(compile_phrase("too slow", owner="a"))
    assert [p.source for _, p in index.matches_at(["too", "slow*"], [0, 0], 0)] == []
    assert [p.source for _, p in index.matches_at(["too", "slow"], [0, 0], 0)] == ["too slow"]
    index.add(compile_phrase("too ...  slow", owner="b"))
    assert [p.source for _, p in index.matches_at(["too", "slow"], [0, 0], 0)] == ["too slow", "too ...  slow"]


def reference_scan(matcher, texts: list[str], clauses: list[int], scopes: list[int]):
    """The scan stated plainly: matches_at at every word, markers kept, and leftmost-longest
    cues found separately in each lane (reasons; alarms), a neutral cue in both and kept once."""
    from saveroute.engine.text.matcher import _ALARM_LANE, _BOTH_LANES, _REASON_LANE, Marker

    markers = []
    for i in range(len(texts)):
        for end, phrase in matcher.index.matches_at(texts, clauses, i):
            if isinstance(phrase.owner, str):
                markers.append(Marker(phrase.owner, i, end, clauses[i], scopes[i]))
    found = []
    for rank, lane in enumerate((_REASON_LANE, _ALARM_LANE)):
        free_from = 0
        for i in range(len(texts)):
            options = [(end, phrase.owner) for end, phrase in matcher.index.matches_at(texts, clauses, i)
                       if not isinstance(phrase.owner, str) and i >= free_from
                       and matcher.lanes[phrase.owner.id] in (lane, _BOTH_LANES)]
            if options:
                end, cue = min(options, key=lambda o: (-o[0], -o[1].weight, matcher.order[o[1].id]))
                found.append((i, rank, end, cue))
                free_from = end
    cues = []
    for i, _, end, cue in sorted(found, key=lambda f: (f[0], f[1])):
        if not (cues and cues[-1][0] == i and cues[-1][1] == end and cues[-1][2] is cue):
            cues.append((i, end, cue))
    return markers, cues


_MATCHER = None


def _policy_matcher():
    global _MATCHER
    if _MATCHER is None:
        from saveroute.engine.text.matcher import matcher_for
        from saveroute.policy import load_policy

        _MATCHER = matcher_for(load_policy())
    return _MATCHER


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_scan_finds_what_matches_at_finds(data):
    matcher = _policy_matcher()
    vocabulary = sorted(matcher.typos.vocabulary)[:400] + [
        "not", "no", "but", "the", "too", "price", "expensive",
        "tak", "boleh", "harap", "legal", "team", "will", "review", "refund", "support", "rude"]
    texts = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=25))
    breaks = data.draw(st.lists(st.integers(0, 1), min_size=len(texts), max_size=len(texts)))
    clauses = _clauses(len(texts), [b if i % 4 == 0 else 0 for i, b in enumerate(breaks)])
    scopes = list(clauses)
    assert matcher._scan(texts, clauses, scopes) == reference_scan(matcher, texts, clauses, scopes)
