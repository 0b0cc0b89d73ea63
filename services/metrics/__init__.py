"""Metrics: counts decisions, owner tasks, approvals and outcomes into the business metrics.

The counting itself is `saveroute.measurement`; this package backs its state with
Redis and runs it as a stage on the shared runtime, which serves the business
series beside its own pipeline series on the metrics port.
"""
