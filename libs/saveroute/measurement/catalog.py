"""Every business metric saveroute exports: name, type, labels, buckets, cardinality.

One place for the metric catalogue, so the service, the dashboards, the rules and
the tests all read the same names. Naming follows Prometheus conventions: base
units (seconds; ratios 0..1 rather than percent), counters end in `_total`, and
every label value comes from a closed vocabulary. Never an account, case, task
or person id as a label: those live in Redis state, not in series.

| metric | type | labels | bound (series) |
|---|---|---|---|
| saveroute_save_requests_total | counter | cause, path, source, segment | 9 x 12 x 7 x 4 = 3,024 (in practice ~ causes x segments x sources: a path follows its cause) |
| saveroute_signal_to_task_seconds | histogram | source | 7 x (11 buckets + sum + count) = 91 |
| saveroute_owner_tasks_created_total | counter | cause, segment | 9 x 4 = 36 |
| saveroute_owner_response_seconds | histogram | cause, segment | 36 x (11 + 2) = 468 |
| saveroute_owner_responses_late_total | counter | cause | 9 |
| saveroute_owner_tasks_open | gauge | cause | 9 |
| saveroute_owner_tasks_past_due | gauge | cause | 9 |
| saveroute_approval_decisions_total | counter | verdict, offer_type, role | 3 x (policy offer types + 2) x 6 (16 offer types: 288) |
| saveroute_outcomes_total | counter | outcome, cause, segment | 5 x 10 x 4 = 200 |
| saveroute_concessions_total | counter | type, cause | (policy offer types + 2) x 10 (160) |
| saveroute_discount_granted_ratio | histogram | cause | 10 x (10 + 2) = 120 |
| saveroute_retained_arr_total | counter | cause, segment, currency | 10 x 4 x 1 = 40 (currency is the one reporting currency) |
| saveroute_retained_margin_total | counter | cause, segment, currency | 40 |
| saveroute_saves_below_margin_floor_total | counter | cause, segment | 40 |
| saveroute_fx_unconverted_total | counter | currency | ISO 4217 codes seen (< 200) + "invalid" |

Vocabularies: cause = the Cause enum (outcomes add "unknown" for an outcome whose
case was never seen); path = the Path enum; source = SignalSource + "other";
segment = Segment + "unknown"; verdict = approve|reject|changes; role =
ApprovalRole; offer_type/type = the policy's offer catalogue + "none" + "other";
outcome = saved|downgraded|paused|churned|withdrawn; currency = the reporting
currency (`SAVEROUTE_REPORTING_CURRENCY`).

Series marked `preinit` are exposed at zero for every label combination from the
start, so `increase()` and ratios see the first event (Prometheus cannot see
the jump of a series that is born non-zero). `save_requests_total` is not
pre-initialised (3,024 mostly impossible combinations); its all-time totals
are exact, a brand-new combination loses its first event only inside windowed
functions such as `rate()`.
"""

from dataclasses import dataclass, field
from itertools import product
from typing import Literal, get_args

from saveroute.models.approval import ApprovalVerdict
from saveroute.models.enums import ApprovalRole, Cause, Path, Segment, SignalSource
from saveroute.models.outcome import OutcomeKind

MetricKind = Literal["counter", "histogram", "gauge"]

UNKNOWN = "unknown"
OTHER = "other"
NONE = "none"
INVALID = "invalid"

CAUSES: tuple[str, ...] = tuple(c.value for c in Cause)
CAUSES_OR_UNKNOWN: tuple[str, ...] = CAUSES + (UNKNOWN,)
PATHS: tuple[str, ...] = tuple(p.value for p in Path)
SOURCES: tuple[str, ...] = tuple(s.value for s in SignalSource) + (OTHER,)
SEGMENTS: tuple[str, ...] = tuple(s.value for s in Segment) + (UNKNOWN,)
VERDICTS: tuple[str, ...] = tuple(get_args(ApprovalVerdict))
ROLES: tuple[str, ...] = tuple(r.value for r in ApprovalRole)
OUTCOMES: tuple[str, ...] = tuple(get_args(OutcomeKind))
# Outcomes that end a save attempt one way or the other; "withdrawn" (the case
# went away without a customer decision) is left out of the save rate.
DECIDED_OUTCOMES: tuple[str, ...] = ("saved", "downgraded", "paused", "churned")
RETAINING_OUTCOMES: frozenset[str] = frozenset({"saved", "downgraded", "paused"})
# "Should not have been saved": kept, but below the margin floor after the concession.
MARGIN_CHECKED_OUTCOMES: frozenset[str] = frozenset({"saved", "downgraded"})

# Bucket bounds (seconds / ratio). 172800 s is the 48-hour rule; 86400 s the urgent 24 hours.
SIGNAL_TO_TASK_BUCKETS = (1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 43200.0, 86400.0, 172800.0)
OWNER_RESPONSE_BUCKETS = (900.0, 3600.0, 14400.0, 28800.0, 43200.0, 86400.0, 172800.0, 259200.0, 432000.0, 604800.0, 1209600.0)
DISCOUNT_BUCKETS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0)
FORTY_EIGHT_HOURS_SECONDS = 172800.0


@dataclass(frozen=True)
class MetricSpec:
    """One exported metric. `labels` name vocabularies (see `Vocabularies`)."""

    name: str
    kind: MetricKind
    help: str
    labels: tuple[str, ...]
    buckets: tuple[float, ...] = ()
    preinit: bool = False

    def sample_names(self) -> tuple[str, ...]:
        """The series names this metric puts on /metrics."""
        if self.kind == "histogram":
            return (f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count")
        return (self.name,)


SAVE_REQUESTS = MetricSpec(
    "saveroute_save_requests_total", "counter",
    "Save requests decided, by root cause, routing path, signal source and segment.",
    ("cause", "path", "source", "segment"))
SIGNAL_TO_TASK = MetricSpec(
    "saveroute_signal_to_task_seconds", "histogram",
    "Seconds from the signal (occurred_at) to the owner task (the decision's decided_at).",
    ("source",), SIGNAL_TO_TASK_BUCKETS, preinit=True)
TASKS_CREATED = MetricSpec(
    "saveroute_owner_tasks_created_total", "counter",
    "Owner approval tasks created (first revision of each task).",
    ("cause", "segment"), preinit=True)
OWNER_RESPONSE = MetricSpec(
    "saveroute_owner_response_seconds", "histogram",
    "Seconds from an owner task's creation to the first approval decision on it.",
    ("cause", "segment"), OWNER_RESPONSE_BUCKETS, preinit=True)
RESPONSES_LATE = MetricSpec(
    "saveroute_owner_responses_late_total", "counter",
    "Owner tasks whose first approval decision came after the task's due time.",
    ("cause",), preinit=True)
TASKS_OPEN = MetricSpec(
    "saveroute_owner_tasks_open", "gauge",
    "Owner tasks with no approval decision yet.", ("cause",), preinit=True)
TASKS_PAST_DUE = MetricSpec(
    "saveroute_owner_tasks_past_due", "gauge",
    "Owner tasks with no approval decision whose due time has passed (SLA breaches now).",
    ("cause",), preinit=True)
APPROVALS = MetricSpec(
    "saveroute_approval_decisions_total", "counter",
    "Approval decisions by verdict, the task's first offer type and the approver's role.",
    ("verdict", "offer_type", "role"), preinit=True)
OUTCOMES_TOTAL = MetricSpec(
    "saveroute_outcomes_total", "counter",
    "Case outcomes by kind, root cause and segment.",
    ("outcome", "cause", "segment"), preinit=True)
CONCESSIONS = MetricSpec(
    "saveroute_concessions_total", "counter",
    "Concessions given with an outcome, by offer type and root cause.",
    ("type", "cause"))
DISCOUNT_GRANTED = MetricSpec(
    "saveroute_discount_granted_ratio", "histogram",
    "Discount granted with an outcome, as a ratio of the price (0.15 = 15 %).",
    ("cause",), DISCOUNT_BUCKETS, preinit=True)
RETAINED_ARR = MetricSpec(
    "saveroute_retained_arr_total", "counter",
    "ARR retained by saved, downgraded or paused outcomes, in the reporting currency.",
    ("cause", "segment", "currency"), preinit=True)
RETAINED_MARGIN = MetricSpec(
    "saveroute_retained_margin_total", "counter",
    "Gross margin retained (retained ARR x margin after the concession), reporting currency; "
    "negative margins count as zero here and show in saves_below_margin_floor.",
    ("cause", "segment", "currency"), preinit=True)
BELOW_MARGIN_FLOOR = MetricSpec(
    "saveroute_saves_below_margin_floor_total", "counter",
    "Saved or downgraded outcomes whose margin after the concession is below the policy floor "
    "(customers that should not have been saved).",
    ("cause", "segment"), preinit=True)
FX_UNCONVERTED = MetricSpec(
    "saveroute_fx_unconverted_total", "counter",
    "Outcomes whose retained ARR could not be converted: no rate configured for the currency.",
    ("currency",))

METRICS: tuple[MetricSpec, ...] = (
    SAVE_REQUESTS, SIGNAL_TO_TASK, TASKS_CREATED, OWNER_RESPONSE, RESPONSES_LATE, TASKS_OPEN,
    TASKS_PAST_DUE, APPROVALS, OUTCOMES_TOTAL, CONCESSIONS, DISCOUNT_GRANTED, RETAINED_ARR,
    RETAINED_MARGIN, BELOW_MARGIN_FLOOR, FX_UNCONVERTED,
)


@dataclass(frozen=True)
class Vocabularies:
    """The closed set of values each label may take. Offer types come from the policy."""

    offer_types: tuple[str, ...]
    reporting_currency: str
    values: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        offers = tuple(self.offer_types) + (NONE, OTHER)
        object.__setattr__(self, "values", {
            "cause": CAUSES_OR_UNKNOWN, "path": PATHS, "source": SOURCES, "segment": SEGMENTS,
            "verdict": VERDICTS, "role": ROLES, "outcome": OUTCOMES,
            "offer_type": offers, "type": offers, "currency": (self.reporting_currency,),
        })

    def combinations(self, spec: MetricSpec) -> list[tuple[str, ...]]:
        """Every label-value tuple a pre-initialised metric starts at zero with."""
        pools = [self._pool(spec, label) for label in spec.labels]
        return [tuple(values) for values in product(*pools)]

    def _pool(self, spec: MetricSpec, label: str) -> tuple[str, ...]:
        # Owner tasks always carry a real cause; only outcomes can lack one.
        if label == "cause" and spec not in (OUTCOMES_TOTAL, CONCESSIONS, DISCOUNT_GRANTED,
                                              RETAINED_ARR, RETAINED_MARGIN, BELOW_MARGIN_FLOOR):
            return CAUSES
        return self.values[label]


def exported_sample_names() -> frozenset[str]:
    """Every series name the metrics service exports for business metrics."""
    return frozenset(n for spec in METRICS for n in spec.sample_names())
