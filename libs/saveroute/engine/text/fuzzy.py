"""One-edit typo correction onto the lexicon's own vocabulary (symmetric deletes).

Only long words that are not already known are corrected, and only onto a word
with the same first letter, so "expensvie" becomes "expensive" while short words
are left alone. An ordinary word (the policy's known-words list) is a real word,
not a typo: it is never rewritten into a different one ("floors" stays "floors",
not the cue word "floods"); it may only lose or gain an ending "s" or "d"
("invoices" reads as "invoice"), which changes no meaning a cue cares about. So is an
ordinary word with a Malay suffix ("padankan" is "padan" + "kan").
"""


MALAY_SUFFIXES = ("kan", "nya", "lah")


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def inflection_of(word: str, other: str) -> bool:
    """True when one word is the other plus a final "s" or "d" (invoices/invoice, decide/decided)."""
    if len(word) == len(other) + 1:
        return word.startswith(other) and word[-1] in "sd"
    if len(other) == len(word) + 1:
        return other.startswith(word) and other[-1] in "sd"
    return False


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class TypoCorrector:
    def __init__(self, vocabulary: set[str], min_length: int, ordinary: frozenset[str] = frozenset()):
        self.vocabulary = frozenset(vocabulary)
        self.ordinary = ordinary
        self.min_length = min_length
        index: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) < min_length - 1 or not word.isalpha():
                continue
            index.setdefault(word, set()).add(word)
            for deleted in _deletes(word):
                index.setdefault(deleted, set()).add(word)
        self._index = index
        self._cache: dict[str, str] = {}

    def _derived(self, word: str) -> bool:
        """An ordinary word with a Malay suffix is a real word too ("padan" -> "padankan",
        match it), not a typo of a cue ("padamkan", delete)."""
        for suffix in MALAY_SUFFIXES:
            stem = word[:-len(suffix)]
            if word.endswith(suffix) and len(stem) >= 4 and stem in self.ordinary:
                return True
        return False

    def correct(self, word: str) -> str:
        if word in self.vocabulary or len(word) < self.min_length or not word.isalpha():
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        candidates: set[str] = set(self._index.get(word, ()))
        for deleted in _deletes(word):
            candidates |= self._index.get(deleted, set())
        candidates = {c for c in candidates if c[0] == word[0] and within_one_edit(word, c)}
        if word in self.ordinary or self._derived(word):
            candidates = {c for c in candidates if inflection_of(word, c)}
        result = min(candidates) if len(candidates) == 1 else word
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result
