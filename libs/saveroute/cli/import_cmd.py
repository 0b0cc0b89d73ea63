"""`saveroute import stripe-events FILE`: replay a Stripe event export through the gateway's mapping.

Onboarding: a team exports last quarter's Stripe events and sees what saveroute
would have decided. The export may be a JSON array, a list response
(`{"data": [...]}`) or JSON lines. Events are mapped in `created` order with the
same code the gateway runs; context patches merge in memory (no Redis). With
`--dry-run` the canonical events are printed as JSON lines; otherwise they are
published with the shared EventProducer. A summary goes to stderr.
"""

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from saveroute.ingest import stripe as stripe_mapping
from saveroute.ingest.canonical import CanonicalEvent
from saveroute.ingest.context import ContextResolver, MemoryContextStore, records_for
from saveroute.ingest.errors import MappingError
from saveroute.models import Owner


def read_export(text: str) -> list[Any]:
    """Events from a JSON array, a `{"data": [...]}` list response, or JSON lines."""
    stripped = text.strip()
    if not stripped:
        return []
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        return whole["data"] if isinstance(whole.get("data"), list) else [whole]
    events = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"line {number}: not JSON ({exc.msg})") from None
    return events


def _created(event: Any) -> float:
    try:
        return float(event.get("created", 0)) if isinstance(event, dict) else 0.0
    except (TypeError, ValueError):
        return 0.0


def map_export(events: list[Any], resolver: ContextResolver) -> tuple[list[CanonicalEvent], Counter, list[str]]:
    """Canonical events in order, counts per type/outcome, and one line per error."""
    counts: Counter = Counter()
    errors: list[str] = []
    out: list[CanonicalEvent] = []
    seen: set[str] = set()
    for event in sorted(events, key=_created):
        event_type = str(event.get("type")) if isinstance(event, dict) else "?"
        counts[f"type:{stripe_mapping.event_label(event_type)}"] += 1
        try:
            mapped = stripe_mapping.map_event(event)
        except MappingError as exc:
            counts["errors"] += 1
            errors.append(f"{event.get('id') if isinstance(event, dict) else '?'}: {exc}")
            continue
        if not mapped.handled:
            counts["skipped"] += 1
            continue
        if mapped.event_id in seen:
            counts["duplicates"] += 1
            continue
        seen.add(mapped.event_id)
        counts["mapped"] += 1
        records, short = records_for(mapped, resolver)
        counts["insufficient_context"] += short
        out.extend(records)
    return out, counts, errors


@click.group(name="import")
def import_group() -> None:
    """Feed history from other systems through saveroute's ingest mapping."""


@import_group.command("stripe-events")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--dry-run", is_flag=True, help="Print canonical events as JSON lines; publish nothing.")
@click.option("--default-owner-id", envvar="SAVEROUTE_DEFAULT_OWNER_ID", default=None,
              help="Owner for accounts whose Stripe metadata names none.")
@click.option("--default-owner-name", envvar="SAVEROUTE_DEFAULT_OWNER_NAME", default=None)
def stripe_events(file: str, dry_run: bool, default_owner_id: str | None,
                  default_owner_name: str | None) -> None:
    """Map a Stripe events export (JSON array, list response or JSON lines) and publish it."""
    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    owner = Owner(id=default_owner_id, name=default_owner_name or default_owner_id) if default_owner_id else None
    events, counts, errors = map_export(read_export(text), ContextResolver(MemoryContextStore(), owner))
    if dry_run:
        for event in events:
            click.echo(json.dumps(event.as_json(), sort_keys=True))
    else:
        _publish(events)
    for line in errors:
        click.echo(f"error: {line}", err=True)
    by_topic = Counter(e.topic.name for e in events)
    summary = {**dict(sorted(counts.items())), **{f"topic:{k}": v for k, v in sorted(by_topic.items())}}
    click.echo("import: " + ", ".join(f"{k}={v}" for k, v in summary.items()), err=True)
    if errors:
        sys.exit(1)


def _publish(events: list[CanonicalEvent]) -> None:
    from saveroute.runtime import DeliveryError, EventProducer
    from saveroute.runtime.config import load_settings

    producer = EventProducer(load_settings())
    try:
        for event in events:
            producer.publish(event.topic, event.key, event.value, event.event_id)
        producer.flush()
    except DeliveryError as exc:
        raise click.ClickException(f"publishing failed: {exc}") from None
