"""The tokeniser and the phrase matcher: their fast paths agree with plain references.

`tokenise` finds word offsets with str.find instead of match objects, and gap-free
phrases match with a loop instead of the backtracking walk; these tests hold both
to straightforward reference implementations on generated text.
"""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from saveroute.engine.text.tokens import _QUOTES, _TOKEN_RE, tokenise
from saveroute.policy.phrases import compile_phrase, match_texts

ALPHABET = list("abcdeiklnopstu019\u00e9\u00f6_ '%*.,!?;:-()\"\n\u2019\u2014\u00e9") + ["but ", " -- "]


def reference_words(text: str) -> list[tuple[str, int, int]]:
    lowered = text.translate(_QUOTES).lower()
    return [(m.group(), *m.span()) for m in _TOKEN_RE.finditer(lowered) if m.lastgroup == "w"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join))
def test_offsets_match_the_regex_spans(text):
    tok = tokenise(text, {}, frozenset({"but"}))
    expected = reference_words(text)
    assert list(zip(tok.texts, tok.starts, tok.ends)) == [
        (part, start, end) for word, start, end in expected
        for part in ([word[:-2], "'s"] if word.endswith("'s") and len(word) > 2 else [word])
    ]
    assert tok.clauses == sorted(tok.clauses)


def test_clauses_and_scopes():
    tok = tokenise("It's pricey, but not the price. Nobody uses it", {}, frozenset({"but"}))
    assert tok.texts == ["it", "'s", "pricey", "but", "not", "the", "price", "nobody", "uses", "it"]
    assert tok.clauses == [0, 0, 0, 1, 1, 1, 1, 2, 2, 2]
    assert tok.scopes[2] != tok.scopes[4]          # the comma ends a negation scope
    assert tok.after_contrast == frozenset({1})
    assert tok.starts[2:3] == [5] and tok.ends[2:3] == [11]


def reference_match(elems: list[str], texts: list[str], clauses: list[int], start: int) -> int:
    """Shortest match by brute force over regular expressions on a joined clause."""
    clause_words = [w for w, c in zip(texts[start:], clauses[start:]) if c == clauses[start]]
    pattern = r"\s".join(
        r"\S+" if e == "*" else (r"(?:" + "|".join(re.escape(o) for o in e[1:-1].split("|")) + r")")
        if e.startswith("(") else re.escape(e[:-1]) + r"\S*" if e.endswith("*") else re.escape(e)
        for e in elems
    )
    match = re.match(pattern + r"(?:\s|$)", " ".join(clause_words))
    return start + len(elems) if match else -1


WORDS = ["price", "pricey", "too", "the", "not", "support", "slow"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["price*", "too", "*", "(the|not)", "support", "slow"]), min_size=1, max_size=3)
    .filter(lambda e: e[0] != "*" and e[-1] != "*"),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
    st.lists(st.integers(0, 1), min_size=8, max_size=8),
)
def test_gap_free_phrases_match_like_a_reference(elems, texts, breaks):
    clauses, clause = [], 0
    for i in range(len(texts)):
        clause += breaks[i] if i else 0
        clauses.append(clause)
    phrase = compile_phrase(" ".join(elems), owner="test")
    assert not phrase.has_gap
    for start in range(len(texts)):
        assert match_texts(phrase, texts, clauses, start) == reference_match(elems, texts, clauses, start)


def test_gap_phrases_still_backtrack():
    phrase = compile_phrase("too ... expensive", owner="test")
    texts = ["too", "much", "and", "too", "expensive"]
    assert phrase.has_gap
    assert match_texts(phrase, texts, [0] * 5, 0) == 5
    assert match_texts(phrase, texts, [0, 0, 0, 1, 1], 0) == -1


PHRASES = ["price*", "too expensive", "not (the|a) price", "support ... slow", "slow support", "the * price",
           "price too", "(too|not) slow*", "support", "not the price*", "support is ... slow", "too (slow|expensive) *"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS + ["expensive", "a", "is"]), min_size=1, max_size=8),
    st.lists(st.integers(0, 1), min_size=8, max_size=8),
)
def test_index_finds_exactly_what_each_phrase_matches(texts, breaks):
    """The trie, the first-word index and the second-word filter lose no match."""
    from saveroute.policy.phrases import PhraseIndex

    clauses, clause = [], 0
    for i in range(len(texts)):
        clause += breaks[i] if i else 0
        clauses.append(clause)
    compiled = [compile_phrase(p, owner=p) for p in PHRASES]
    assert sum(p.second is not None and not p.elems[-1].kind == "word" for p in compiled) >= 2
    index = PhraseIndex()
    for phrase in compiled:
        index.add(phrase)
    for start in range(len(texts)):
        expected = sorted(
            (match_texts(p, texts, clauses, start), p.source) for p in compiled
            if p.elems[0].accepts(texts[start]) and match_texts(p, texts, clauses, start) != -1
        )
        found = sorted((end, p.source) for end, p in index.matches_at(texts, clauses, start))
        assert found == expected


def test_a_scope_break_word_stops_a_negator():
    """ "can't use the courts when the monsoon starts": the negator does not reach the monsoon."""
    tok = tokenise("Courts can't be used when the monsoon starts", {}, frozenset({"but"}), frozenset({"when"}))
    assert tok.scopes[tok.texts.index("can't")] != tok.scopes[tok.texts.index("monsoon")]
    assert tok.clauses[tok.texts.index("can't")] == tok.clauses[tok.texts.index("monsoon")]  # one clause still
