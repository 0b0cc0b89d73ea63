"""The decision engine: pure functions from a scenario to a decision, no I/O.

    enrich(scenario, policy)                -> EnrichedCase
    classify(case, policy)                  -> Classification
    route(case, classification, policy)     -> Decision
    decide(scenario, policy)                -> Decision     (the three in a row)

The Kafka services call the same three stages one per process; `saveroute route`
calls `decide`. Nothing here reads files, the clock or the network: `now` comes
from the scenario, the policy is passed in.
"""
