"""`saveroute outcome CASE_ID --saved|--downgraded|--paused|--churned|--withdrawn`: record what happened.

Publishes an `Outcome` to the outcomes topic with the shared producer. The outcome id
is derived from the arguments (or given with `--id`), so running the same command
twice is counted once by the metrics service.
"""

import hashlib
import json
from datetime import datetime, timezone

import click

from saveroute.models import Concession, Outcome


def outcome_id_for(fields: dict[str, object]) -> str:
    """A stable id from what the person said (the time is left out: a retry is the same outcome)."""
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return "cli-" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def build_outcome(case_id: str, kind: str, account_id: str, retained_arr: float, currency: str,
                  concession: Concession | None, margin_after_pct: float | None,
                  occurred_at: datetime, outcome_id: str | None = None) -> Outcome:
    fields: dict[str, object] = {
        "case_id": case_id, "account_id": account_id, "outcome": kind, "retained_arr": retained_arr,
        "currency": currency, "margin_after_pct": margin_after_pct,
        "concession": concession.model_dump() if concession else None,
    }
    return Outcome.model_validate({**fields, "outcome_id": outcome_id or outcome_id_for(fields),
                                   "occurred_at": occurred_at, "source": "cli"})


def _concession(kind: str | None, discount_pct: float | None, months: int | None,
                credit: float | None) -> Concession | None:
    if kind is None:
        kind = "discount" if discount_pct is not None else "service_credit" if credit is not None else None
    if kind is None:
        if months is not None:
            raise click.UsageError("--months needs a concession (--concession, --discount-pct or --credit)")
        return None
    return Concession(type=kind, discount_pct=discount_pct, months=months, credit_amount=credit)


def _account_of(case_id: str) -> str:
    """The case's account, from the metrics service's state (it saw the decision)."""
    from saveroute.measurement.facts import case_key, load_case
    from saveroute.measurement.settings import MeasurementSettings
    from saveroute.runtime.idempotency import make_redis
    from saveroute.stack.connect import client_settings

    settings = client_settings()
    prefix = MeasurementSettings().key_prefix(settings.idempotency_key_prefix)
    raw = make_redis(str(settings.redis_url)).get(prefix + case_key(case_id))
    case = load_case(raw.decode() if raw else None)
    if case is None or not case.account_id:
        raise click.UsageError(f"case {case_id!r} is not known to the metrics service; pass --account")
    return case.account_id


@click.command("outcome")
@click.argument("case_id")
@click.option("--saved", "kind", flag_value="saved", help="The customer stayed.")
@click.option("--downgraded", "kind", flag_value="downgraded", help="Stayed on a smaller plan.")
@click.option("--paused", "kind", flag_value="paused", help="Paused the subscription.")
@click.option("--churned", "kind", flag_value="churned", help="Left.")
@click.option("--withdrawn", "kind", flag_value="withdrawn", help="The case went away without a decision.")
@click.option("--account", "account_id", default=None, help="Account id (default: the case's, from Redis).")
@click.option("--retained-arr", type=click.FloatRange(min=0), default=0.0, show_default=True)
@click.option("--currency", default="USD", show_default=True, help="ISO 4217 code of --retained-arr.")
@click.option("--concession", "concession_type", default=None, help="Offer type given: discount, pause, ...")
@click.option("--discount-pct", type=click.FloatRange(0, 100), default=None)
@click.option("--months", type=click.IntRange(min=0), default=None, help="How long the concession runs.")
@click.option("--credit", type=click.FloatRange(min=0), default=None, help="Credit amount given.")
@click.option("--margin-after", "margin_after", type=float, default=None, help="Gross margin %% after the concession.")
@click.option("--at", "occurred_at", type=click.DateTime(), default=None, help="When it happened (UTC; default now).")
@click.option("--id", "outcome_id", default=None, help="Outcome id (default: derived from the arguments).")
def outcome(case_id: str, kind: str | None, account_id: str | None, retained_arr: float, currency: str,
            concession_type: str | None, discount_pct: float | None, months: int | None, credit: float | None,
            margin_after: float | None, occurred_at: datetime | None, outcome_id: str | None) -> None:
    """Record the outcome of case CASE_ID on the outcomes topic."""
    from pydantic import ValidationError

    from saveroute.measurement.counting import InvalidEvent, validate
    from saveroute.measurement.settings import ISO_CODE

    if kind is None:
        raise click.UsageError("give one of --saved, --downgraded, --paused, --churned or --withdrawn")
    if not ISO_CODE.match(currency.upper()):
        raise click.UsageError(f"--currency: {currency!r} is not an ISO 4217 code such as USD or EUR")
    when = occurred_at.replace(tzinfo=timezone.utc) if occurred_at else datetime.now(timezone.utc)
    try:
        concession = _concession(concession_type, discount_pct, months, credit)
        value = build_outcome(case_id, kind, account_id or _account_of(case_id), retained_arr,
                              currency.upper(), concession, margin_after, when, outcome_id)
        validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise click.UsageError(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    except InvalidEvent as exc:
        raise click.UsageError(str(exc)) from None
    _publish(value)
    click.echo(f"published outcome {value.outcome_id}: {kind} case {case_id} "
               f"(account {value.account_id}, retained {value.retained_arr:g} {value.currency})")


def _publish(value: Outcome) -> None:
    from saveroute.runtime import EventProducer
    from saveroute.runtime.producer import DeliveryError
    from saveroute.stack.connect import client_settings
    from saveroute.topics import OUTCOMES

    try:
        with EventProducer(client_settings()) as producer:
            producer.publish(OUTCOMES, value.account_id, value, event_id=value.outcome_id)
            producer.flush(30)
    except DeliveryError as exc:
        raise click.ClickException(f"the broker did not accept the outcome: {exc}") from None
