"""The policy's phrase syntax, compiled into matchers over tokens.

Syntax: `word` exact, `word*` prefix, `*` any one word, `...` up to five words,
`(a|b|c)` any of (each may be a prefix). Phrases are indexed by their first
element so matching a text costs one dictionary look-up per token, not one
regular expression per phrase. `respell` turns a phrase as written into the
variants that are compiled; the policy check and the matcher both compile those.
"""

import re
from dataclasses import dataclass, field
from typing import Any


GAP_MAX = 5


@dataclass(frozen=True, slots=True)
class Elem:
    kind: str                      # "word" | "prefix" | "any" | "gap" | "alt"
    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def accepts(self, word: str) -> bool:
        if self.kind == "any":
            return True
        # str.startswith takes a tuple: one C call for every prefix (False for an empty tuple)
        return word in self.words or word.startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class Phrase:
    elems: tuple[Elem, ...]
    source: str
    owner: Any                     # what the phrase belongs to (a cue, a marker kind)
    has_gap: bool = False          # gap-free phrases match with a plain loop, no backtracking
    # the exact words the second element accepts, when it is that simple: most generic
    # phrases are rejected on the next token without a call
    second: frozenset[str] | None = None
    # gap phrases: the runs of elements between the gaps (a run may be empty when two
    # gaps meet), so matching recurses once per gap, not once per element
    segments: tuple[tuple[Elem, ...], ...] = ()


_ELEMS: dict[str, Elem] = {}  # element text -> Elem: elements are immutable, and the lexicon repeats them


def _word_elem(text: str) -> Elem:
    elem = _ELEMS.get(text)
    if elem is None:
        elem = _ELEMS[text] = _new_elem(text)
    return elem


def _new_elem(text: str) -> Elem:
    if text == "*":
        return Elem("any")
    if text == "...":
        return Elem("gap")
    if text.startswith("(") and text.endswith(")"):
        options = [o for o in text[1:-1].split("|") if o]
        return Elem(
            "alt",
            frozenset(o for o in options if not o.endswith("*")),
            tuple(o[:-1] for o in options if o.endswith("*")),
        )
    if text.endswith("*") and len(text) > 1 and "**" not in text:
        return Elem("prefix", prefixes=(text[:-1],))
    return Elem("word", frozenset([text]))


def split_phrase(phrase: str) -> list[str]:
    """Break a phrase into element texts the way the tokeniser breaks text."""
    out: list[str] = []
    for raw in phrase.lower().replace("-", " ").split():
        if raw in ("*", "...") or raw.startswith("("):
            out.append(raw)
            continue
        # "% off" and "20%": percent signs are their own token, as in text;
        # a trailing 's is its own token, as the tokeniser makes it.
        for part in raw.replace("%", " % ").split():
            if part.endswith("'s") and len(part) > 2:
                out += [part[:-2], "'s"]
            else:
                out.append(part)
    return out


# phrase text -> its compiled parts: the policy schema compiles every phrase to check it,
# and the matcher compiles the same texts again with their owners
_PARTS: dict[str, tuple] = {}


def compile_phrase(phrase: str, owner: object) -> Phrase:
    parts = _PARTS.get(phrase)
    if parts is None:
        parts = _compile_parts(phrase)
        if len(_PARTS) < 100_000:
            _PARTS[phrase] = parts
    return Phrase(parts[0], phrase, owner, *parts[1:])


def _compile_parts(phrase: str) -> tuple:
    """(elems, has_gap, second, segments) of a phrase; ValueError if it is malformed."""
    parts = split_phrase(phrase)
    if any("?" in part for part in parts):
        raise ValueError(f"phrase {phrase!r}: '?' is not phrase syntax; write the phrase with and without "
                         "the optional words")
    for part in parts:
        group = part.startswith("(") and part.endswith(")")
        if any(c in (part[1:-1] if group else part) for c in ("()" if group else "()|")):
            raise ValueError(f"phrase {phrase!r}: {part!r} is not a word or a group of words; groups "
                             "cannot nest, and each '(' needs its ')'")
    elems = tuple(_word_elem(part) for part in parts)
    if not elems or elems[0].kind in ("any", "gap") or elems[-1].kind == "gap":
        raise ValueError(f"phrase {phrase!r} must start and end with a word")
    second = None
    if len(elems) >= 2 and elems[1].kind in ("word", "alt") and not elems[1].prefixes:
        second = elems[1].words
    has_gap = any(e.kind == "gap" for e in elems)
    segments: tuple[tuple[Elem, ...], ...] = ()
    if has_gap:
        runs: list[list[Elem]] = [[]]
        for elem in elems:
            if elem.kind == "gap":
                runs.append([])
            else:
                runs[-1].append(elem)
        segments = tuple(tuple(run) for run in runs)
    return elems, has_gap, second, segments


def respell(phrase: str, spelling: dict[str, str]) -> list[str]:
    """A phrase as the tokeniser will see text: its words through the spelling map.

    Text words are respelt before matching ("its" becomes "it 's", "kat" becomes
    "dekat"), so a phrase written with the raw spelling ("(our|their|its) branches")
    could never match. An alternation option of several words ("(this morning|today)")
    or a respelling of several tokens cannot sit inside an alternation, which holds
    one word per option, so it becomes a variant phrase of its own; so does a
    hyphenated option ("(pop-up|popup)").
    """
    def spell(words: str) -> str:
        return " ".join(w if w.endswith("*") else spelling.get(w.lower(), w) for w in words.split())

    variants: list[list[str]] = [[]]
    # a hyphen splits words, in text and in phrases alike ("pop-up" is "pop up"), so an
    # option with one is an option of several words
    for raw in _PHRASE_PART.findall(phrase.replace("-", " ")):
        if raw.startswith("(") and raw.endswith(")"):
            single: list[str] = []
            multi: list[str] = []
            for option in raw[1:-1].split("|"):
                spelt = spell(option)
                (multi if (" " in spelt or spelt.endswith("'s")) else single).append(spelt)
            choices = ([f"({'|'.join(single)})"] if single else []) + multi
        else:
            choices = [raw if raw in ("*", "...") else spell(raw)]
        variants = [v + [c] for v in variants for c in choices]
    return list(dict.fromkeys(" ".join(v) for v in variants))


_PHRASE_PART = re.compile(r"\([^()]*\)|\S+")


_END = ""  # trie key that marks "a phrase ends here"


def _literal_expansions(phrase: Phrase) -> list[tuple[str, ...]] | None:
    """The exact word sequences a phrase stands for, or None if it needs the generic matcher."""
    sequences: list[tuple[str, ...]] = [()]
    for elem in phrase.elems:
        if elem.kind not in ("word", "alt") or elem.prefixes:
            return None
        sequences = [seq + (word,) for seq in sequences for word in sorted(elem.words)]
        if len(sequences) > 64:
            return None
    return sequences


@dataclass
class PhraseIndex:
    """Literal phrases in a word trie; wildcard, prefix and gap phrases indexed by first element.

    Matching reads a frozen copy of the trie whose nodes are (phrases ending here,
    children) pairs, and one memoised entry per start word: (trie node or None,
    generic phrases), or () when no phrase can start at that word. Both are
    rebuilt after `add`.
    """

    trie: dict = field(default_factory=dict)
    by_word: dict[str, list[Phrase]] = field(default_factory=dict)
    by_prefix: dict[str, list[Phrase]] = field(default_factory=dict)
    prefix_lengths: set[int] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    # word -> (frozen trie node | None, generic phrases), or () when none: see start_entry
    starts: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    _frozen: dict | None = None

    def add(self, phrase: Phrase) -> None:
        self.starts.clear()
        self._frozen = None
        for elem in phrase.elems:
            self.words.update(elem.words)
        literals = _literal_expansions(phrase)
        if literals is not None:
            for seq in literals:
                node = self.trie
                for word in seq:
                    node = node.setdefault(word, {})
                node.setdefault(_END, []).append(phrase)
            return
        first = phrase.elems[0]
        for word in first.words:
            self.by_word.setdefault(word, []).append(phrase)
        for prefix in first.prefixes:
            self.by_prefix.setdefault(prefix, []).append(phrase)
            self.prefix_lengths.add(len(prefix))

    def _freeze(self) -> dict:
        def freeze(node: dict) -> tuple:
            return (tuple(node.get(_END, ())), {w: freeze(child) for w, child in node.items() if w != _END})

        self._frozen = {w: freeze(child) for w, child in self.trie.items() if w != _END}
        return self._frozen

    def start_entry(self, word: str) -> tuple[Any, ...]:
        """(frozen trie node or None, generic phrases) for phrases that may start at
        `word`, or an empty tuple when none can (memoised per word)."""
        entry = self.starts.get(word)
        if entry is None:
            frozen = self._frozen if self._frozen is not None else self._freeze()
            node = frozen.get(word)
            generic = self.generic_for(word)
            entry = (node, generic) if node is not None or generic else ()
            if len(self.starts) < 100_000:
                self.starts[word] = entry
        return entry

    def matches_at(self, texts: list[str], clauses: list[int], start: int) -> list[tuple[int, Phrase]]:
        """Every (end, phrase) that matches at `start`, within one clause: first the
        literal phrases, shortest first, then the generic ones in index order."""
        found: list[tuple[int, Phrase]] = []
        entry = self.start_entry(texts[start])
        if entry:
            node, generic = entry
            matches_from(node, generic, texts, clauses, start, found)
        return found

    def generic_for(self, word: str) -> tuple[Phrase, ...]:
        """Wildcard, prefix and gap phrases that can start at `word` (start_entry memoises it)."""
        phrases = list(self.by_word.get(word, ()))
        for length in sorted(self.prefix_lengths):
            if len(word) >= length:
                phrases.extend(self.by_prefix.get(word[:length], ()))
        return tuple(phrases)

    def vocabulary(self) -> set[str]:
        return set(self.words)


def matches_from(node: tuple | None, generic: tuple[Phrase, ...], texts: list[str], clauses: list[int],
                  start: int, found: list[tuple[int, Phrase]]) -> None:
    """Append every (end, phrase) matching at `start` to `found` (see PhraseIndex.matches_at)."""
    clause = clauses[start]
    n = len(texts)
    if node is not None:
        ends, children = node
        i = start + 1
        while True:
            if ends:
                for phrase in ends:
                    found.append((i, phrase))
            if not children or i >= n or clauses[i] != clause:
                break
            node = children.get(texts[i])
            if node is None:
                break
            ends, children = node
            i += 1
    if generic:
        following = texts[start + 1] if start + 1 < n and clauses[start + 1] == clause else None
        for phrase in generic:
            if phrase.second is not None and following not in phrase.second:
                continue
            end = match_texts(phrase, texts, clauses, start)
            if end != -1:
                found.append((end, phrase))


def match_texts(phrase: Phrase, texts: list[str], clauses: list[int], start: int) -> int:
    """End index (exclusive) of the shortest match of `phrase` at `start`, or -1.

    A match never crosses a clause boundary. With gaps, the first match found trying
    the shortest skip at each gap first (left to right), as a backtracking walk over
    the elements would find it.
    """
    clause = clauses[start]
    n = len(texts)
    if not phrase.has_gap:
        end = start + len(phrase.elems)
        if end > n or clauses[end - 1] != clause:  # clause ids never decrease
            return -1
        for elem, word in zip(phrase.elems, texts[start:end]):
            if not elem.accepts(word):
                return -1
        return end
    return _match_segments(phrase.segments, 0, start, texts, clauses, clause, n)


def _match_segments(segments: tuple[tuple[Elem, ...], ...], k: int, pos: int, texts: list[str],
                    clauses: list[int], clause: int, n: int) -> int:
    """Segment k at token `pos` (which lies in `clause`), then the gap and the rest."""
    run = segments[k]
    end = pos + len(run)
    if run:
        if end > n or clauses[end - 1] != clause:  # clause ids never decrease
            return -1
        for elem, word in zip(run, texts[pos:end]):
            if not elem.accepts(word):
                return -1
    k += 1
    if k == len(segments):
        return end
    run = segments[k]
    if not run or k + 1 < len(segments):  # two gaps in a row, or more gaps to come: recurse
        for j in range(end, min(end + GAP_MAX + 1, n)):
            if clauses[j] != clause:
                return -1
            found = _match_segments(segments, k, j, texts, clauses, clause, n)
            if found != -1:
                return found
        return -1
    # the last run, after the last gap (the common case): tried in place at each skip
    first, length = run[0], len(run)
    for j in range(end, min(end + GAP_MAX + 1, n)):
        if clauses[j] != clause:
            return -1
        word = texts[j]
        if not first.accepts(word):
            continue
        last = j + length
        if last > n or clauses[last - 1] != clause:
            continue
        for elem, word in zip(run, texts[j:last]):
            if not elem.accepts(word):
                break
        else:
            return last
    return -1
