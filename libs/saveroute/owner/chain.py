"""The approval-chain state machine: who must answer a task now, and what each answer does.

Order (policy.md, "Approvals"): the first approver (the account owner, or staff / support
for their paths) answers first; then finance and executive, in parallel when
`ChainRules.parallel_review` is on, else one after the other; legal last. Any reject
ends the chain; a change request sends it back to the first approver in a new round
(earlier approvals in the round no longer count); all approved completes it.

Pure and deterministic: the state is a fold over the task and decision events
(`fold`), so it can be rebuilt from the events after a restart, and every step
returns the new `ApprovalChainState` snapshot that is published as an event.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from saveroute.models.approval import ApprovalDecision, ApprovalTask
from saveroute.models.approval_chain import ApprovalChainState
from saveroute.models.enums import APPROVER_ORDER, ApprovalRole
from saveroute.owner.ids import decision_id_for

PARALLEL_GROUP = frozenset({ApprovalRole.finance, ApprovalRole.executive})
FINAL_STATUSES = frozenset({"approved", "rejected"})


@dataclass(frozen=True)
class ChainRules:
    """The knobs of the chain. `parallel_review`: finance and executive review together."""

    parallel_review: bool = True


@dataclass(frozen=True)
class Step:
    """The result of applying one event: the state after it, and why nothing changed if so."""

    state: ApprovalChainState
    changed: bool
    ignored_reason: str | None = None


def _ordered(roles: Iterable[ApprovalRole]) -> list[ApprovalRole]:
    unique = {ApprovalRole(r) for r in roles}
    return sorted(unique, key=lambda r: APPROVER_ORDER.index(r.value))


def stages(approvers: Sequence[ApprovalRole], rules: ChainRules) -> list[list[ApprovalRole]]:
    """The chain's steps in order; each step's roles answer in parallel."""
    out: list[list[ApprovalRole]] = []
    for role in _ordered(approvers):
        joins_previous = (
            rules.parallel_review and out and role in PARALLEL_GROUP and out[-1][0] in PARALLEL_GROUP
        )
        if joins_previous:
            out[-1].append(role)
        else:
            out.append([role])
    return out


def _awaiting(approvers: Sequence[ApprovalRole], approved: Sequence[ApprovalRole], rules: ChainRules) -> list[ApprovalRole]:
    done = set(approved)
    for step in stages(approvers, rules):
        missing = [r for r in step if r not in done]
        if missing:
            return missing
    return []


def first_role(state: ApprovalChainState, rules: ChainRules) -> ApprovalRole:
    """The role that answers first (the 'owner' of the task)."""
    return stages(state.approvers, rules)[0][0]


def start(task: ApprovalTask, rules: ChainRules) -> ApprovalChainState:
    """The chain of a task seen for the first time."""
    if not task.approvers:
        raise ValueError("approvers: a task needs at least one approver")
    approvers = _ordered(task.approvers)
    return ApprovalChainState(
        task_id=task.task_id,
        case_id=task.case_id,
        account_id=task.account_id,
        revision=task.revision,
        round=1,
        approvers=approvers,
        awaiting=_awaiting(approvers, [], rules),
        updated_at=task.created_at,
    )


def revise(state: ApprovalChainState, task: ApprovalTask, rules: ChainRules) -> Step:
    """A newer revision of the task restarts the chain in a new round; older or equal ones are ignored."""
    if task.revision <= state.revision:
        return Step(state, False, f"revision {task.revision} is not newer than {state.revision}")
    approvers = _ordered(task.approvers)
    new = state.model_copy(update={
        "revision": task.revision,
        "round": state.round + 1,
        "status": "pending",
        "approvers": approvers,
        "approved": [],
        "awaiting": _awaiting(approvers, [], rules),
        "last_role": None, "last_verdict": None, "last_decision_id": None, "comment": None,
        "updated_at": max(state.updated_at, task.created_at),
    })
    return Step(new, True)


def refusal(state: ApprovalChainState, role: ApprovalRole) -> str | None:
    """Why `role` cannot answer now, or None if it can (used before publishing a decision)."""
    if state.status in FINAL_STATUSES:
        return f"the chain is already {state.status}"
    if role not in state.approvers:
        return f"{role} is not an approver of this task (approvers: {', '.join(map(str, state.approvers))})"
    if role in state.approved:
        return f"{role} already approved in round {state.round}"
    if role not in state.awaiting:
        return f"{role} is not awaited yet (awaiting: {', '.join(map(str, state.awaiting))})"
    return None


def apply(state: ApprovalChainState, decision: ApprovalDecision, rules: ChainRules) -> Step:
    """One approver's answer. Duplicates, stale rounds and out-of-turn answers change nothing."""
    if decision.task_id != state.task_id:
        return Step(state, False, f"decision is for task {decision.task_id}, not {state.task_id}")
    role = ApprovalRole(decision.role)
    if decision.decision_id != decision_id_for(state.task_id, role, state.round):
        return Step(state, False, f"decision {decision.decision_id} is not for round {state.round}")
    reason = refusal(state, role)
    if reason is not None:
        return Step(state, False, reason)
    owner_responded = state.owner_responded or role == first_role(state, rules)
    common = {
        "last_role": role, "last_verdict": decision.verdict, "last_decision_id": decision.decision_id,
        "comment": decision.comment, "owner_responded": owner_responded,
        "updated_at": max(state.updated_at, decision.decided_at),
    }
    if decision.verdict == "reject":
        return Step(state.model_copy(update={**common, "status": "rejected", "awaiting": []}), True)
    if decision.verdict == "changes":
        update = {
            **common, "status": "changes_requested", "round": state.round + 1, "approved": [],
            "awaiting": _awaiting(state.approvers, [], rules),
        }
        return Step(state.model_copy(update=update), True)
    approved = _ordered([*state.approved, role])
    awaiting = _awaiting(state.approvers, approved, rules)
    status = "approved" if not awaiting else "pending"
    return Step(state.model_copy(update={**common, "status": status, "approved": approved, "awaiting": awaiting}), True)


ChainEvent = ApprovalTask | ApprovalDecision


def step(state: ApprovalChainState | None, event: ChainEvent, rules: ChainRules) -> Step | None:
    """Apply any chain event; None when a decision arrives before its task (nothing to apply to)."""
    if isinstance(event, ApprovalTask):
        return Step(start(event, rules), True) if state is None else revise(state, event, rules)
    if state is None:
        return None
    return apply(state, event, rules)


def fold(events: Iterable[ChainEvent], rules: ChainRules) -> ApprovalChainState | None:
    """The chain's state after these events, in order: how it is rebuilt after a restart."""
    state: ApprovalChainState | None = None
    for event in events:
        result = step(state, event, rules)
        if result is not None:
            state = result.state
    return state
