"""Split customer text into word tokens that know their clause and negation scope.

A clause ends at sentence punctuation, a line break, a spaced dash, or a contrast
word ("but", "tapi"), which starts the next clause. A negation scope is narrower:
it also ends at commas, colons and brackets, so "not the price, it's that nobody
uses it" denies the price and nothing after the comma, and before a scope-break
word ("when", "bila"), so "can't use the courts when the monsoon starts" does not
deny the monsoon.
"""

import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(
    r"(?P<w>[^\W\d_]\*{2,}[^\W\d_]*"  # masked profanity: f***, s**t
    r"|[^\W_]+(?:'[^\W\d_]+)?"          # words in any script (café, Valdés), contractions kept whole
    r"|%)"
    r"|(?P<h>[.!?;\n]+"            # hard boundaries
    r"|\s[-\u2013\u2014]+\s)"       # a spaced dash
    r"|(?P<s>[,:()\[\]\"])"         # soft boundaries
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_QUOTE_CHARS = ("\u2019", "\u2018", "`", "\u201c", "\u201d")


def _normalise_quotes(text: str) -> str:
    """Curly quotes and backticks as plain ones (one-for-one, so offsets hold).
    str.translate with a mapping walks every character in Python-level steps; most
    texts have none of these characters, and a `in` test per character is C-fast."""
    if any(q in text for q in _QUOTE_CHARS):
        return text.translate(_QUOTES)
    return text


@dataclass(frozen=True, slots=True)
class Tokenised:
    """A text as parallel lists, one entry per word (the matcher's hot loops index these).

    texts: normalised words; starts/ends: offsets into the original text, for quoting
    evidence; clauses: clause ids; scopes: negation-scope ids.
    """

    texts: list[str]
    starts: list[int]
    ends: list[int]
    clauses: list[int]
    scopes: list[int]
    clause_count: int
    after_contrast: frozenset[int]  # clauses that begin with a contrast word

    def __len__(self) -> int:
        return len(self.texts)


def split_word(word: str) -> list[str]:
    """A normalised word as tokens: spelling expansions split on spaces, and a
    trailing 's stands alone so "support's" matches cues about "support"."""
    parts = word.split(" ") if " " in word else [word]
    out: list[str] = []
    for part in parts:
        if part.endswith("'s") and len(part) > 2:
            out += [part[:-2], "'s"]
        else:
            out.append(part)
    return out


def tokenise(text: str, spelling: dict[str, str], contrast: frozenset[str],
             breaks: frozenset[str] = frozenset()) -> Tokenised:
    lowered = _normalise_quotes(text).lower()
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    clauses: list[int] = []
    scopes: list[int] = []
    clause = scope = 0
    last_clause = -1  # the clause of the last word kept: a boundary with no word since opens no clause
    after_contrast: set[int] = set()
    position = 0
    # findall hands back plain (word, hard, soft) tuples, far cheaper per token than
    # match objects; a word's offset is found from the end of the one before it,
    # since what lies between two words holds no word character.
    for piece, hard, _soft in _TOKEN_RE.findall(lowered):
        if not piece:
            if hard and last_clause == clause:
                clause += 1
            scope += 1
            continue
        begin = lowered.find(piece, position)
        position = begin + len(piece)
        word = spelling.get(piece, piece)
        if word in contrast:
            if last_clause == clause:
                clause += 1
            scope += 1
            after_contrast.add(clause)
        elif word in breaks:
            scope += 1
        for part in split_word(word):
            texts.append(part)
            starts.append(begin)
            ends.append(position)
            clauses.append(clause)
            scopes.append(scope)
        last_clause = clause
    return Tokenised(texts, starts, ends, clauses, scopes, clause + 1 if texts else 0, frozenset(after_contrast))


_CAPS_RE = re.compile(r"\b[A-Z]{3,}\b")


def shouted_words(text: str, acronyms: frozenset[str]) -> int:
    """Words in capitals that are not known acronyms: a sign of shouting.

    A short capitalised word standing alone ("EPF", "KWSP", "SLA") is far more often an
    acronym the policy does not list than a shout, so it counts only when it is five
    letters or longer ("NOTHING"), stands in a run of capitalised words ("DOWN LAGI"),
    or is said again ("FOUR times this month. FOUR.")."""
    matches = [m for m in _CAPS_RE.finditer(text) if m.group().lower() not in acronyms]
    seen: dict[str, int] = {}
    for match in matches:
        seen[match.group()] = seen.get(match.group(), 0) + 1
    count = 0
    for match in matches:
        word = match.group()
        if len(word) >= 5 or seen[word] > 1 or _in_run(match.start(), text):
            count += 1
    return count


def _in_run(start: int, text: str) -> bool:
    """Whether the capitalised word at `start` has a capitalised neighbour (two or more letters)."""
    before = text[:start].rstrip(" ,!?.:;-")
    end = start
    while end < len(text) and text[end].isupper():
        end += 1
    after = text[end:].lstrip(" ,!?.:;-")
    prev_words, next_words = before.split(), after.split()
    return bool(prev_words and _is_caps(prev_words[-1])) or bool(next_words and _is_caps(next_words[0]))


def _is_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
