"""The shape of a policy file. Every threshold, word list and template lives here.

A field added here gets its default from `default.yaml`; the defaults in this
module only exist so a partial operator file fails loudly on what is *wrong*,
not on what it leaves out (see `loader.py`, which merges onto the default).
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from saveroute.models.enums import Cause, Path
from saveroute.policy.phrases import compile_phrase, respell

CAUSES = [c.value for c in Cause]
CAUSE_LABELS = frozenset(CAUSES)  # for membership tests: is this cue a cause?
SENSITIVE_LABELS = ["legal", "refund", "billing_dispute", "data_deletion", "angry"]
FACET_LABELS = [
    "distress.grief", "distress.hardship",
    "product.how_to", "product.bug", "product.feature_gap", "product.complexity", "product.limit",
    "walk_away.closing", "walk_away.absorbed", "walk_away.partial", "temporary", "contract_change",
    "cash_flow", "usage_positive", "named_competitor", "neutral",
]
CUE_LABELS = set(CAUSES) | set(SENSITIVE_LABELS) | set(FACET_LABELS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    stale_account_days: Annotated[float, Field(gt=0)]
    margin_floor_pct: float
    high_value_arr: Annotated[float, Field(ge=0)]
    strategic_arr: Annotated[float, Field(ge=0)]
    confidence_floor: Annotated[float, Field(ge=0, le=1)]
    ticket_window_days: Annotated[int, Field(gt=0)]
    renewal_soon_days: Annotated[int, Field(ge=0)]
    usage_collapse_utilisation_pct: Annotated[float, Field(ge=0, le=100)]
    usage_collapse_trend_pct: float
    usage_healthy_utilisation_pct: Annotated[float, Field(ge=0, le=100)]
    usage_healthy_trend_pct: float


class Deadlines(_Strict):
    standard_hours: Annotated[float, Field(gt=0)]
    urgent_hours: Annotated[float, Field(gt=0)]


class Approvals(_Strict):
    finance_above_pct: Annotated[float, Field(ge=0, le=100)]
    executive_above_pct: Annotated[float, Field(ge=0, le=100)]
    parallel_review: bool = True  # finance and executive review side by side after the owner

    @model_validator(mode="after")
    def _ordered(self) -> "Approvals":
        if self.executive_above_pct < self.finance_above_pct:
            raise ValueError("executive_above_pct must be >= finance_above_pct")
        return self


class Offers(_Strict):
    drafted_discount_pct: Annotated[float, Field(gt=0, lt=100)]
    discount_causes: list[Cause]
    by_cause: dict[Cause, list[str]]
    catalogue: dict[str, str]  # offer type -> what it means, in words for owners

    @model_validator(mode="after")
    def _discount_rules(self) -> "Offers":
        for cause, offers in self.by_cause.items():
            for offer in offers:
                if offer not in self.catalogue:
                    raise ValueError(f"by_cause.{cause.value}: offer {offer!r} is not in the catalogue")
            if "discount" in offers:
                if cause not in self.discount_causes:
                    raise ValueError(f"by_cause.{cause.value}: discount is only allowed for {[c.value for c in self.discount_causes]}")
                if offers[0] == "discount":
                    raise ValueError(f"by_cause.{cause.value}: discount may never be the first option")
        return self


def _check_phrase(phrase: str, owner: str) -> None:
    """Compile a phrase as the matcher will: each variant `respell` makes of it (options of
    several words, hyphenated options), so the check sees what runs. Raises ValueError
    naming the phrase. (The lexicon's spelling map only swaps words, so it is left out.)"""
    for variant in respell(phrase, {}):
        compile_phrase(variant, owner)


class Cue(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_.]+$")]
    label: str
    weight: float = 1.0
    facets: list[str] = Field(default_factory=list)  # extra facets this cue also signals
    phrases: Annotated[list[str], Field(min_length=1)]

    @model_validator(mode="after")
    def _label_known(self) -> "Cue":
        if self.label not in CUE_LABELS:
            raise ValueError(f"unknown label {self.label!r} (one of {sorted(CUE_LABELS)})")
        for facet in self.facets:
            if facet not in FACET_LABELS:
                raise ValueError(f"unknown facet {facet!r} (one of {FACET_LABELS})")
        for phrase in self.phrases:
            _check_phrase(phrase, self.id)
        return self


class Lexicon(_Strict):
    negators: list[str]
    post_negators: list[str]
    retro_negators: list[str]
    contrast: list[str]
    scope_breaks: list[str] = []  # "when", "bila": a negator before one does not reach past it
    focus: list[str]
    concessive: list[str]
    conditional: list[str]  # "if", "kalau", "otherwise": a threat, not an evaluation
    question: list[str] = []  # "boleh tak": a negation word that only asks a question
    spelling: dict[str, str]  # common typos and chat spellings -> the word the cues use
    cues: list[Cue]

    @field_validator("contrast", "scope_breaks")
    @classmethod
    def _single_words(cls, words: list[str]) -> list[str]:
        """These lists are compared token by token: an entry must be one lower-case word,
        or it could never match ("as soon as" would be a break that never breaks)."""
        for word in words:
            if not word or not all(part.isalnum() for part in word.split("'")) or word != word.lower():
                raise ValueError(f"{word!r} must be one lower-case word (these lists match single tokens)")
        return words

    @model_validator(mode="after")
    def _marker_phrases(self) -> "Lexicon":
        for name in ("negators", "post_negators", "retro_negators", "focus", "concessive", "conditional", "question"):
            for phrase in getattr(self, name):
                _check_phrase(phrase, name)
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> "Lexicon":
        seen: set[str] = set()
        for cue in self.cues:
            if cue.id in seen:
                raise ValueError(f"duplicate cue id {cue.id!r}")
            seen.add(cue.id)
        return self


class Emphasis(_Strict):
    focus: float
    after_contrast: float
    concessive: float
    negated_penalty: float
    negation_window: Annotated[int, Field(ge=1, le=10)]
    conditional: float       # a competitive cue inside an "if ..." clause
    late_position: float     # long texts: a cue at the end weighs this much more than one at the start
    long_text_tokens: Annotated[int, Field(ge=1)]
    repeat_damping: Annotated[float, Field(ge=0, le=1)]  # each repeat of the same cue adds this share
    fuzzy_min_length: Annotated[int, Field(ge=3)]


class EvidenceWeights(_Strict):
    champion_departed: float
    sla_breaches: float
    sla_breach_each_extra: float
    bad_csat: float
    usage_collapsed: float
    reason_code: float
    stale_unresolved_ticket_bug_to_service: float
    discount_requested: float
    ticket_subjects: float   # with no customer words, ticket subjects are read at this weight
    death_in_the_business: float
    unresolved_ticket_days: Annotated[int, Field(ge=0)]  # an SLA-breached ticket open this long makes a bug a service failure


class Shifts(_Strict):
    """When words for one cause are really evidence of another."""

    contradiction_min_text_score: float     # the text names another cause at least this firmly
    price_match_min_competitive: float      # competitive words this strong make a price ask a price match
    budget_to_value_share: Annotated[float, Field(ge=0, le=1)]  # share of budget words that becomes value
    budget_to_value_min_value_words: float  # or value words this strong, without collapsed usage


class CauseModel(_Strict):
    """The similar-cases model (see engine/similar_cases.py), loaded from its data file."""

    kind: str
    trained_on: int
    classes: list[str]
    prior: list[float]
    unseen: list[float]
    features: dict[str, list[float]]
    fingerprint: str = ""

    @model_validator(mode="after")
    def _shapes(self) -> "CauseModel":
        if any(c not in CAUSES for c in self.classes):
            raise ValueError(f"classes must be causes, got {self.classes}")
        width = len(self.classes)
        if len(self.prior) != width or len(self.unseen) != width:
            raise ValueError("prior and unseen need one value per class")
        bad = next((f for f, v in self.features.items() if len(v) != width), None)
        if bad is not None:
            raise ValueError(f"feature {bad!r} needs one value per class")
        return self


class ModelSettings(_Strict):
    file: str | None = None           # relative to the policy file that names it
    weight: Annotated[float, Field(ge=0)] = 0.0
    # A cause no rule or evidence supports gets the model's vote only when the model is
    # this sure and recognises at least this many words.
    unsupported_min_probability: Annotated[float, Field(ge=0, le=1)] = 0.85
    unsupported_min_words: Annotated[int, Field(ge=0)] = 10
    data: CauseModel | None = None    # filled in by the loader, never written by hand


class KnownWords(_Strict):
    """Ordinary words that typo correction must not rewrite into cue words
    (`saveroute known-words` writes the file)."""

    file: str | None = None           # relative to the policy file that names it
    words: frozenset[str] = frozenset()  # filled in by the loader, never written by hand


class ClassificationPolicy(_Strict):
    reason_codes: dict[str, Cause | None]
    compatible: list[Annotated[list[Cause], Field(min_length=2, max_length=2)]]
    kind_priors: dict[str, dict[Cause, float]]
    evidence: EvidenceWeights
    shifts: Shifts
    emphasis: Emphasis
    unclear_min_score: float
    model: ModelSettings = ModelSettings()
    known_words: KnownWords = KnownWords()
    unclear_min_score_no_text: float
    anger_caps_words: int
    shouting_min_words: int          # this many shouted words ...
    shouting_ratio: float            # ... making up this share of all words is anger on its own
    conflict_min_causes: int         # this many causes, each within conflict_ratio of the top,
    conflict_ratio: float            # mean the words contradict themselves: unclear
    acronyms: list[str]


class Routing(_Strict):
    paths_by_cause: dict[Cause, Path]
    support_sources: list[str]
    support_issues: list[str]

    @model_validator(mode="after")
    def _every_cause(self) -> "Routing":
        missing = [c for c in CAUSES if c != "unclear" and Cause(c) not in self.paths_by_cause]
        if missing:
            raise ValueError(f"paths_by_cause is missing {missing}")
        return self


class PlayStep(_Strict):
    action: str
    owner: str
    day: Annotated[int, Field(ge=0, le=70)]  # days after `now`
    purpose: str


class PlayTemplate(_Strict):
    focus: str
    stabilise: list[PlayStep]
    address: list[PlayStep]
    rebuild: list[PlayStep]
    root_cause_metric: str
    walk_away: list[str]


class Wording(_Strict):
    plays: dict[Cause, PlayTemplate]
    common_walk_away: list[str]
    review_weekday: str


class Cases(_Strict):
    window_hours: Annotated[float, Field(gt=0)] = 72      # signals within this join one case
    max_signals: Annotated[int, Field(ge=1, le=50)] = 8   # earlier signals a case remembers


class Policy(_Strict):
    version: Annotated[str, Field(min_length=1)]
    thresholds: Thresholds
    deadlines: Deadlines
    approvals: Approvals
    offers: Offers
    classification: ClassificationPolicy
    routing: Routing
    lexicon: Lexicon
    wording: Wording
    cases: Cases = Cases()
