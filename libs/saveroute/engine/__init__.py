"""The decision engine: pure functions from a scenario to a decision, no I/O.

    enrich(scenario, policy, case_id=None)  -> EnrichedCase
    classify(case, policy)                  -> Classification
    route(case, classification, policy)     -> Decision
    decide(scenario, policy)                -> Decision     (the three in a row)
    approval_task_for(decision)             -> ApprovalTask
    prepare_classifier(policy)              compile the lexicon and model at start-up

The Kafka services call the same stages one per process; `saveroute route`
calls `decide`. Nothing here reads files, the clock or the network: `now` comes
from the scenario, the policy is passed in.
"""

from saveroute.engine.classification import classify, prepare_classifier
from saveroute.engine.enrichment import enrich
from saveroute.engine.pipeline import approval_task_for, decide
from saveroute.engine.routing import route

__all__ = ["approval_task_for", "classify", "decide", "enrich", "prepare_classifier", "route"]
