"""Find the policy's cues in a text and decide which ones the text denies.

At each position the longest cue wins and its words are consumed, in each of two
lanes: the reasons a customer gives (causes and their facets) and the alarms an
owner must not miss (legal, refund, dispute, deletion, anger, distress). Words
can be both ("tak boleh harap" is unreliable service and an annoyed customer), so
a cause cue never hides an alarm, nor an alarm a cause; a neutral phrase ("legal
team will review") sits in both lanes and hides either. A cue is
denied when a negator stands shortly before it in the same negation scope, a
post-negator follows it ("... was never the issue"), or the next clause takes
it back ("..., tapi bukan itu masalah utama"). Clauses get an emphasis weight:
focus ("the real problem is"), after a contrast ("but ..."), or conceded
("sure, it's pricey, but ...").
"""

import unicodedata
from collections.abc import Set
from dataclasses import dataclass
from saveroute.engine.compiled import PerObject
from saveroute.engine.text.fuzzy import TypoCorrector
from saveroute.policy.phrases import Phrase, PhraseIndex, compile_phrase, matches_from, respell
from saveroute.engine.text.tokens import Tokenised, tokenise
from saveroute.policy.schema import CAUSE_LABELS, FACET_LABELS, SENSITIVE_LABELS, Cue, Policy

_ALARM_LABELS = frozenset(SENSITIVE_LABELS) | frozenset(x for x in FACET_LABELS if x.startswith("distress."))
_NEUTRAL = "neutral"
# a cue's lane in the scan (see the module docstring)
_REASON_LANE, _ALARM_LANE, _BOTH_LANES = 0, 1, 2
_NO_CLAUSES: frozenset[int] = frozenset()

# marker kind -> the lexicon list that holds its phrases
_MARKER_KINDS = {
    "negator": "negators", "post_negator": "post_negators", "retro_negator": "retro_negators",
    "focus": "focus", "concessive": "concessive", "conditional": "conditional", "question": "question",
}

NAME_TOKEN = "@name"  # the account's own name, as the lexicon writes it ("closing @name")
NAME_ARTICLES = frozenset({"the"})


@dataclass(frozen=True, slots=True)
class Hit:
    cue: Cue
    start: int          # token index
    end: int            # token index, exclusive
    clause: int
    negated: bool
    emphasis: float
    surface: str        # the words as the customer wrote them
    conditional: bool = False  # inside an "if ..." clause


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str
    start: int
    end: int
    clause: int
    scope: int


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    hits: tuple[Hit, ...]
    markers: tuple[Marker, ...]
    words: tuple[str, ...] = ()  # the normalised tokens, for the similar-cases model


class CueMatcher:
    """Built once per policy; `analyse` is pure and deterministic."""

    def __init__(self, policy: Policy):
        lex = policy.lexicon
        self.spelling = dict(lex.spelling)
        self.acronyms = frozenset(policy.classification.acronyms)  # not shouting when in capitals
        self.contrast = frozenset(lex.contrast)
        self.breaks = frozenset(lex.scope_breaks)
        self.window = policy.classification.emphasis.negation_window
        self.emphasis = policy.classification.emphasis
        # One index for cues and markers, so a text is scanned once; a marker's owner
        # is its kind (a string), a cue's owner is the Cue.
        self.index = PhraseIndex()
        self.order: dict[str, int] = {}
        self.lanes: dict[str, int] = {}
        for position, cue in enumerate(lex.cues):
            self.order[cue.id] = position
            self.lanes[cue.id] = (_BOTH_LANES if cue.label == _NEUTRAL
                                  else _ALARM_LANE if cue.label in _ALARM_LABELS else _REASON_LANE)
            for phrase in cue.phrases:
                for variant in respell(phrase, self.spelling):
                    self.index.add(compile_phrase(variant, cue))
        for kind, attr in _MARKER_KINDS.items():
            for phrase in getattr(lex, attr):
                for variant in respell(phrase, self.spelling):
                    self.index.add(compile_phrase(variant, kind))
        vocabulary = self.index.vocabulary()
        self.typos = TypoCorrector(vocabulary, policy.classification.emphasis.fuzzy_min_length,
                                   policy.classification.known_words.words)
        self._names: dict[str, list[str]] = {}  # account name -> its words (see _name_words)

    # -- tokens -------------------------------------------------------------------------
    def tokens(self, text: str) -> Tokenised:
        tok = tokenise(text, self.spelling, self.contrast, self.breaks)
        correct, known, shortest = self.typos.correct, self.typos.vocabulary, self.typos.min_length
        texts, clauses = tok.texts, tok.clauses
        for i, word in enumerate(texts):
            if word in known:
                continue  # most words: the lexicon knows them
            if not word.isascii():
                # "café", "naïve": the lexicon's unaccented spelling, when that is the word it knows
                folded = _fold_accents(word)
                if folded in known:
                    texts[i] = folded
                    continue
            if len(word) >= shortest and not _capitalised_in_sentence(text, tok, i):
                texts[i] = correct(word)  # a capitalised word inside a sentence is a name ("Salmah"), not "salah"
        return tok

    # -- matching -----------------------------------------------------------------------
    def _scan(self, texts: list[str], clauses: list[int], scopes: list[int]
              ) -> tuple[list[Marker], list[tuple[int, int, Cue]]]:
        """Markers (all of them) and cues (leftmost-longest, non-overlapping within a lane) in one pass."""
        markers: list[Marker] = []
        cues: list[tuple[int, int, Cue]] = []
        index, order, lanes = self.index, self.order, self.lanes
        free_reason = free_alarm = 0
        found: list[tuple[int, Phrase]] = []
        for i, word in enumerate(texts):
            entry = index.start_entry(word)
            if not entry:
                continue  # most words start no phrase
            node, generic = entry
            matches_from(node, generic, texts, clauses, i, found)
            if not found:
                continue
            reasons: list[tuple[int, Cue]] = []
            alarms: list[tuple[int, Cue]] = []
            for end, phrase in found:
                owner = phrase.owner
                if isinstance(owner, str):
                    markers.append(Marker(owner, i, end, clauses[i], scopes[i]))
                    continue
                lane = lanes[owner.id]
                option = (end, owner)
                if lane != _ALARM_LANE and i >= free_reason:
                    reasons.append(option)
                if lane != _REASON_LANE and i >= free_alarm:
                    alarms.append(option)
            found.clear()
            reason = _best(reasons, order) if reasons else None
            alarm = _best(alarms, order) if alarms else None
            if reason is not None:
                cues.append((i, reason[0], reason[1]))
                free_reason = reason[0]
            if alarm is not None:
                if alarm != reason:  # a neutral phrase that won both lanes is one hit
                    cues.append((i, alarm[0], alarm[1]))
                free_alarm = alarm[0]
        return markers, cues

    def _name_words(self, name: str | None) -> list[str]:
        """The account name as the tokeniser writes it, without a leading article ("The Hive
        Collective" is found by "hive": every "the" is not the customer's name). Accounts
        recur, so each name is tokenised once (the cache is bounded like the typo cache)."""
        if not name:
            return []
        cached = self._names.get(name)
        if cached is not None:
            return cached
        words = tokenise(name, self.spelling, self.contrast, self.breaks).texts
        while words and words[0] in NAME_ARTICLES:
            words = words[1:]
        found = words if words and len(words[0]) >= 3 else []
        if len(self._names) < 50_000:
            self._names[name] = found
        return found

    def _words_in_capitalised_names(self, text: str, tok: Tokenised) -> set[str]:
        """Words the text uses in a capitalised name: a capitalised word followed, inside a
        sentence, by another capitalised word the lexicon does not know ("we moved onto
        Peguam Suite", "the Scam Shield add-on"). Such a word names a product or a firm, so
        wherever the text capitalises it ("Peguam memang bagus") it is not the customer using
        the word. A heading such as "Refund Request" is not a name: the lexicon knows "request"."""
        texts, lexicon_words = tok.texts, self.typos.vocabulary
        return {texts[i] for i in range(1, len(texts) - 1)
                if _capitalised_in_sentence(text, tok, i) and _capitalised_in_sentence(text, tok, i + 1)
                and texts[i + 1] not in lexicon_words and text[tok.starts[i + 1]:tok.ends[i + 1]].isalpha()}

    def analyse(self, text: str, name: str | None = None) -> TextAnalysis:
        """Cues and markers in `text`. With the account's `name`, each place the text writes
        it (its first word, and as much of the rest as follows) reads as NAME_TOKEN, so the
        lexicon can say "closing @name" like any other phrase; the model still sees the words."""
        tok = self.tokens(text)
        if not tok.texts:
            return TextAnalysis((), ())
        texts, clauses, scopes = tok.texts, tok.clauses, tok.scopes
        name_words = self._name_words(name)
        scanned = (_mark_name(texts, name_words, self.typos.vocabulary)
                   if name_words and name_words[0] in texts else texts)
        markers, cue_spans = self._scan(scanned, clauses, scopes)
        retro_clauses: Set[int]
        focus_clauses: Set[int]
        concessive_clauses: Set[int]
        conditional_clauses: Set[int]
        if markers:
            questions = [m for m in markers if m.kind == "question"]
            # a negation word that is part of a cause cue ("never logged in", "no response") is
            # that cue's own meaning, not a denial of the next cue ("... and nobody owns it")
            owned = [(s, e) for s, e, cue in cue_spans if cue.label in CAUSE_LABELS]
            negators = [m for m in markers if m.kind == "negator"
                        and not any(q.start <= m.start and m.end <= q.end for q in questions)
                        and not any(s <= m.start and m.end <= e for s, e in owned)]
            post = [m for m in markers if m.kind == "post_negator"]
            retro_clauses = {m.clause - 1 for m in markers if m.kind == "retro_negator"}
            focus_clauses = {m.clause for m in markers if m.kind == "focus"}
            concessive_clauses = {
                m.clause for m in markers if m.kind == "concessive" and (m.clause + 1) in tok.after_contrast
            }
            conditional_clauses = {m.clause for m in markers if m.kind == "conditional"}
        else:  # most texts: nothing denies, focuses, concedes or conditions a cue
            negators = post = []
            retro_clauses = focus_clauses = concessive_clauses = conditional_clauses = _NO_CLAUSES
        long_text = len(texts) >= self.emphasis.long_text_tokens
        late = self.emphasis.late_position
        hits = []
        names: set[str] | None = None
        for start, end, cue in cue_spans:
            if end - start == 1 and text[tok.starts[start]:tok.ends[start]].istitle():
                if names is None:
                    names = self._words_in_capitalised_names(text, tok)
                if texts[start] in names:
                    continue
            first_clause, first_scope, last_scope = clauses[start], scopes[start], scopes[end - 1]
            negated = (negators and any(
                m.end <= start and start - m.end <= self.window and m.scope == first_scope
                for m in negators
            )) or (post and any(  # "support is" + "is fine": a denial may share the cue's last word
                m.start > start and m.end > end and m.start - end <= 3 and m.scope == last_scope for m in post
            )) or first_clause in retro_clauses
            emphasis = 1.0
            if first_clause in focus_clauses:
                emphasis *= self.emphasis.focus
            if first_clause in tok.after_contrast:
                emphasis *= self.emphasis.after_contrast
            if first_clause in concessive_clauses:
                emphasis *= self.emphasis.concessive
            if long_text:
                emphasis *= (1 - late / 2) + late * start / len(texts)
            surface = text[tok.starts[start]:tok.ends[end - 1]]
            hits.append(Hit(cue, start, end, first_clause, negated, emphasis, surface,
                            first_clause in conditional_clauses))
        return TextAnalysis(tuple(hits), tuple(markers), tuple(texts))


def _capitalised_in_sentence(text: str, tok: Tokenised, i: int) -> bool:
    """Whether token `i` is written capitalised ("Salmah", "Suite") after another word of its
    sentence: the shape of a name, not of a sentence's first word."""
    if i == 0 or tok.clauses[i] != tok.clauses[i - 1]:
        return False
    span = text[tok.starts[i]:tok.ends[i]]
    return len(span) > 1 and span.istitle()


def _best(options: list[tuple[int, Cue]], order: dict[str, int]) -> tuple[int, Cue]:
    """The longest span first; then the heavier cue; then policy order (deterministic)."""
    if len(options) == 1:
        return options[0]
    return min(options, key=lambda o: (-o[0], -o[1].weight, order[o[1].id]))


def _mark_name(texts: list[str], name_words: list[str], lexicon_words: frozenset[str]) -> list[str]:
    """A copy of `texts` with every run that starts with the name's first word, and
    follows the name as far as the text writes it, replaced by NAME_TOKEN. A run that
    is only part of the name and starts with a word the lexicon uses stays words:
    "Bengkel kami tutup" is the workshop, not "Bengkel Kereta Ah Seng" by name."""
    marked = list(texts)
    first, size = name_words[0], len(name_words)
    for i, word in enumerate(texts):
        if word != first:
            continue
        end = i + 1
        while end < len(texts) and end - i < size and texts[end] == name_words[end - i]:
            end += 1
        if end - i < size and first in lexicon_words:
            continue
        for j in range(i, end):
            marked[j] = NAME_TOKEN
    return marked


def _fold_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


# One matcher per policy object (policies are immutable once loaded).
matcher_for: PerObject[Policy, CueMatcher] = PerObject(CueMatcher)
