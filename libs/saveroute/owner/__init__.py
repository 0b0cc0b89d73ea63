"""The owner loop: getting a case to the people who must decide it, and their answers back.

Pure logic (no I/O), each in a module of its own:
- `chain`     — the approval-chain state machine, folded from task and decision events;
- `blocks`    — the Block Kit messages (owner alert, role approvals, manager escalation);
- `actions`   — button values and Slack `block_actions` payloads, parsed into requests;
- `deadlines` — when an unanswered task escalates, and the escalation event it becomes;
- `ids`       — deterministic ids (decision ids, escalation ids) so retries never duplicate.

I/O adapters the services share: `stores` (Redis: tasks, chain events, posted messages,
deadline timers, decision claims) and `slack` (a slack-sdk client with retries, or a
printer when no token is configured).
"""
