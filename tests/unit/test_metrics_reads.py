"""The metrics stage reads only some fields of decisions and tasks; it counts exactly what it
would count from the whole records.

`services.metrics.handler.READS` tells the runtime which fields to decode (the rest keep
their model defaults). If counting ever reads a field left out, these totals, marks,
facts and open tasks stop agreeing.
"""

from datetime import timedelta

from _serde_samples import dev_scenarios

from saveroute import topics
from saveroute.engine import approval_task_for, decide
from saveroute.measurement import CountingRules, MeasurementSettings, Vocabularies, count_batch
from saveroute.measurement.memory import MemoryBackend
from saveroute.models import Outcome
from saveroute.policy import load_policy
from saveroute.serde import make_codec
from services.metrics.handler import READS, event_id


def test_counting_projected_records_equals_counting_whole_records():
    policy = load_policy()
    rules = CountingRules(Vocabularies(tuple(policy.offers.catalogue), "USD"), MeasurementSettings(),
                          policy.thresholds.margin_floor_pct)
    codec = make_codec()
    wire: list[tuple[str, bytes]] = []
    outcomes: list[Outcome] = []
    for i, scenario in enumerate(dev_scenarios()):
        decision = decide(scenario, policy)
        task = approval_task_for(decision)
        wire += [(topics.DECISIONS.name, codec.encode(topics.DECISIONS.name, decision)),
                 (topics.APPROVAL_TASKS.name, codec.encode(topics.APPROVAL_TASKS.name, task))]
        if i % 3 == 0:  # a re-decision: the task's next revision
            wire.append((topics.APPROVAL_TASKS.name,
                         codec.encode(topics.APPROVAL_TASKS.name, approval_task_for(decision, revision=2))))
        if i % 4 == 0:
            outcomes.append(Outcome(outcome_id=f"out-{i}", case_id=decision.case_id, account_id=decision.account_id,
                                    outcome="saved" if i % 8 else "churned", occurred_at=decision.decided_at
                                    + timedelta(days=3), retained_arr=(decision.arr or 0) if i % 8 else 0))
    whole = [codec.decode(name, data) for name, data in wire]
    projected = [codec.decode(name, data, READS.get(name)) for name, data in wire]
    assert [event_id(topics.DECISIONS, e) for e in whole] == [event_id(topics.DECISIONS, e) for e in projected]

    backends = MemoryBackend(), MemoryBackend()
    for events, backend in zip((whole, projected), backends):
        # outcomes first for half of them: they wait for their decision, then join its facts
        assert all(e is None for e in count_batch([*outcomes[::2], *events[:100]], backend, rules))
        assert all(e is None for e in count_batch([*events[100:], *outcomes[1::2]], backend, rules))
    full, slim = backends
    assert full.series and full.values and full.zsets
    assert (slim.series, slim.values, slim.zsets) == (full.series, full.values, full.zsets)
