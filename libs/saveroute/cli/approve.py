"""`saveroute approve TASK_ID --approve|--reject|--changes "..." --as ROLE`: answer an approval task.

Sends the answer to the approvals API (`POST /approvals/{task_id}`), so the CLI gets
the same checks, idempotency and Slack updates as a button click; it never writes to
Kafka itself.
"""

import json
import os

import click
import httpx

from saveroute.models.enums import ApprovalRole

ROLES = [role.value for role in ApprovalRole]


@click.command("approve")
@click.argument("task_id")
@click.option("--approve", "verdict", flag_value="approve", help="Approve the drafted save play.")
@click.option("--reject", "verdict", flag_value="reject", help="Reject it (ends the chain).")
@click.option("--changes", "changes", metavar="TEXT", help="Request changes; TEXT says what should change.")
@click.option("--as", "role", required=True, type=click.Choice(ROLES), help="The approver role you answer as.")
@click.option("--comment", default=None, help="A comment with an approve or reject.")
@click.option("--actor", default=lambda: os.environ.get("USER"), show_default="$USER", help="Who is answering.")
@click.option("--url", envvar="SAVEROUTE_APPROVALS_URL", default="http://127.0.0.1:8088", show_default=True,
              help="The approvals API ($SAVEROUTE_APPROVALS_URL).")
@click.option("--token", envvar="SAVEROUTE_API_TOKEN", default=None, help="Bearer token ($SAVEROUTE_API_TOKEN).")
def approve(task_id: str, verdict: str | None, changes: str | None, role: str, comment: str | None,
            actor: str | None, url: str, token: str | None) -> None:
    """Answer approval task TASK_ID as ROLE."""
    if changes is not None:
        if verdict is not None:
            raise click.UsageError("give one of --approve, --reject or --changes")
        verdict, comment = "changes", changes
    if verdict is None:
        raise click.UsageError("give one of --approve, --reject or --changes TEXT")
    if not token:
        raise click.UsageError("no API token: set SAVEROUTE_API_TOKEN or pass --token")
    body = {"role": role, "verdict": verdict, "comment": comment, "actor_id": actor, "channel": "cli"}
    try:
        response = httpx.post(f"{url.rstrip('/')}/approvals/{task_id}", json=body,
                              headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach the approvals API at {url}: {exc}") from None
    try:
        data = response.json()
    except json.JSONDecodeError:
        data = {"error": response.text or f"HTTP {response.status_code}"}
    if response.status_code != 200:
        raise click.ClickException(f"{response.status_code}: {data.get('error', data)}")
    awaiting = ", ".join(data["chain"]["awaiting"]) or "nobody"
    click.echo(f"{data['status']}: {verdict} by {role} on {task_id} (decision {data['decision_id']}, "
               f"round {data['round']}); chain {data['chain']['status']}, awaiting {awaiting}")
