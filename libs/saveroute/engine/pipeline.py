"""The three stages in a row (`decide`), and the owner task a decision becomes."""

from saveroute.engine.classification import classify
from saveroute.engine.enrichment import enrich
from saveroute.engine.render import render_save_play
from saveroute.engine.routing import route
from saveroute.models import ApprovalTask, Decision, Scenario
from saveroute.policy.schema import Policy


def decide(scenario: Scenario, policy: Policy, case_id: str | None = None, *, with_save_play: bool = True) -> Decision:
    """Enrich, classify, route. `with_save_play=False` leaves `save_play` empty for
    callers that write only the contract line, which does not carry the play."""
    case = enrich(scenario, policy, case_id)
    return route(case, classify(case, policy), policy, with_save_play=with_save_play)


def approval_task_for(decision: Decision, revision: int = 1) -> ApprovalTask:
    """The owner task for a decision; one per case, so its id derives from the case id."""
    play = decision.save_play
    return ApprovalTask(
        task_id=f"task-{decision.case_id}",
        case_id=decision.case_id,
        signal_id=decision.signal_id,
        account_id=decision.account_id,
        account_name=decision.account_name,
        created_at=decision.decided_at,
        due_at=decision.due_at,
        path=decision.path,
        cause=decision.cause,
        confidence=decision.confidence,
        approvers=decision.approvers,
        sensitive=decision.sensitive,
        offer_types=decision.offer_types,
        evidence=decision.evidence,
        owner_id=decision.owner_id,
        owner_name=play.owner_name if play else None,
        owner_slack_user_id=decision.owner_slack_user_id,
        owner_manager_id=decision.owner_manager_id,
        arr=decision.arr,
        currency=decision.currency,
        renewal_date=play.renewal_date.isoformat() if play and play.renewal_date else None,
        segment=decision.segment,
        source=decision.source,
        policy_version=decision.policy_version,
        save_play_markdown=render_save_play(play) if play else None,
        revision=max(revision, decision.revision),
    )
