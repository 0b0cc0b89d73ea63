"""The 48-hour rule: when the owner must respond."""

from datetime import datetime, timedelta

from saveroute.models import EnrichedCase
from saveroute.policy.schema import Policy


def due_at(case: EnrichedCase, policy: Policy) -> tuple[datetime, str]:
    ev, dl = case.evidence, policy.deadlines
    if ev.high_value:
        return case.now + timedelta(hours=dl.urgent_hours), "deadline.urgent_high_value"
    if ev.renewal_within_30d:
        return case.now + timedelta(hours=dl.urgent_hours), "deadline.urgent_renewal_soon"
    return case.now + timedelta(hours=dl.standard_hours), "deadline.standard"
