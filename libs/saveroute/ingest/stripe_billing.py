"""What a Stripe subscription or customer says about an account: plan, ARR, owner, renewal.

Field map (subscription → AccountContext; first present wins):
- account_id: `metadata.account_id`, else the customer id
- name: `metadata.account_name`, else an expanded customer's `name`
- plan: the first item's `price.nickname` / `plan.nickname` / `plan.name`, else the price id
- arr: Σ licensed items of unit amount × quantity × periods per year (`price.unit_amount`,
  `unit_amount_decimal`, or the 2017–2019 `amount`; interval from `price.recurring`,
  the old price/plan `interval`), in major units; list price, discounts ignored;
  omitted when any licensed item has no flat unit amount (tiered prices)
- currency: `currency` (or the price's), upper-cased
- billing_status: active, trialing, past_due, paused, canceled; unpaid/incomplete → past_due,
  incomplete_expired → canceled
- renewal_date: `current_period_end` (top level, or per item since 2025) as a date
- contract_term_months: month interval × count, year → 12 × count
- auto_renew: false when `cancel_at_period_end` or `cancel_at` is set
- tenure_months: whole months from `start_date` (or old `start`, or `created`) to the event
- owner: `metadata.owner_id` (+ `owner_name`, `owner_email`, `owner_slack_user_id`,
  `owner_manager_id`); absent → the gateway's default owner fills in at validation
- segment, gross_margin_pct: `metadata.segment`, `metadata.gross_margin_pct` when valid
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from saveroute.ingest.values import dig, from_unix, id_of, text
from saveroute.models import Segment

# Stripe amounts are in the currency's minor unit; these have none (or three decimals).
ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())
PERIODS_PER_YEAR = {"day": Decimal(365), "week": Decimal(52), "month": Decimal(12), "year": Decimal(1)}
STATUS = {"active": "active", "trialing": "trialing", "past_due": "past_due", "paused": "paused",
          "canceled": "canceled", "unpaid": "past_due", "incomplete": "past_due",
          "incomplete_expired": "canceled"}
OWNER_KEYS = {"owner_id": "id", "owner_name": "name", "owner_email": "email",
              "owner_slack_user_id": "slack_user_id", "owner_manager_id": "manager_id"}


def major_units(amount_minor: Any, currency: str) -> float:
    """Minor units (cents) to major units for the currency."""
    exponent = 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2
    return float(Decimal(str(amount_minor)) / (Decimal(10) ** exponent))


def money(amount_minor: Any, currency: str) -> str:
    return f"{currency} {major_units(amount_minor, currency):,.2f}"


def account_id_of(obj: dict[str, Any], customer_path: str = "customer") -> str | None:
    return text(dig(obj, "metadata.account_id")) or id_of(dig(obj, customer_path))


def currency_of(sub: dict[str, Any]) -> str | None:
    raw = text(sub.get("currency"))
    for item in _items(sub) if raw is None else ():
        raw = text(dig(item, "price.currency")) or text(dig(item, "plan.currency"))
        if raw:
            break
    return raw.upper() if raw else None


def _items(sub: dict[str, Any]) -> list[dict[str, Any]]:
    items = dig(sub, "items.data")
    if isinstance(items, list) and items:
        return [i for i in items if isinstance(i, dict)]
    # 2017-era subscriptions without items: the plan and quantity sit on the subscription.
    price = sub.get("plan") or sub.get("price")
    return [{"price": price, "quantity": sub.get("quantity", 1)}] if isinstance(price, dict) else []


def _price_terms(item: dict[str, Any]) -> tuple[Decimal | None, str | None, int, str]:
    """(unit amount in minor units, interval, interval count, usage type) of one item."""
    price = item.get("price") if isinstance(item.get("price"), dict) else {}
    plan = item.get("plan") if isinstance(item.get("plan"), dict) else {}
    amount = next((v for v in (price.get("unit_amount"), price.get("unit_amount_decimal"),
                               price.get("amount"), plan.get("amount"), plan.get("amount_decimal"))
                   if v is not None), None)
    interval = dig(price, "recurring.interval") or price.get("interval") or plan.get("interval")
    count = dig(price, "recurring.interval_count") or price.get("interval_count") \
        or plan.get("interval_count") or 1
    usage = dig(price, "recurring.usage_type") or price.get("usage_type") or plan.get("usage_type") \
        or "licensed"
    try:
        unit = Decimal(str(amount)) if amount is not None else None
    except InvalidOperation:
        unit = None
    return unit, interval, int(count), usage


def annual_amount_minor(sub: dict[str, Any]) -> Decimal | None:
    """Σ unit × quantity × periods per year over licensed items; None when not computable."""
    total = Decimal(0)
    licensed = 0
    for item in _items(sub):
        unit, interval, count, usage = _price_terms(item)
        if usage == "metered":
            continue
        if unit is None or interval not in PERIODS_PER_YEAR or count < 1:
            return None
        quantity = Decimal(str(item.get("quantity") if item.get("quantity") is not None else 1))
        total += unit * quantity * PERIODS_PER_YEAR[interval] / Decimal(count)
        licensed += 1
    return total if licensed else None


def _plan_name(item: dict[str, Any]) -> str | None:
    return (text(dig(item, "price.nickname")) or text(dig(item, "plan.nickname"))
            or text(dig(item, "plan.name")) or text(dig(item, "price.name"))
            or text(dig(item, "price.id")) or text(dig(item, "plan.id")))


def _term_months(item: dict[str, Any]) -> int | None:
    _, interval, count, _ = _price_terms(item)
    return {"month": count, "year": 12 * count}.get(interval or "")


def _months_between(start: datetime, end: datetime) -> int:
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def metadata_facts(metadata: Any) -> dict[str, Any]:
    """Owner, segment, name and margin that a team keeps in Stripe metadata."""
    if not isinstance(metadata, dict):
        return {}
    facts: dict[str, Any] = {}
    owner = {field: text(metadata.get(key)) for key, field in OWNER_KEYS.items()}
    if owner["id"]:
        facts["owner"] = {k: v for k, v in owner.items() if v is not None}
    segment = (text(metadata.get("segment")) or "").lower().replace("-", "_").replace(" ", "_")
    if segment in Segment._value2member_map_:
        facts["segment"] = segment
    if text(metadata.get("account_name")):
        facts["name"] = text(metadata.get("account_name"))
    try:
        margin = float(metadata["gross_margin_pct"])
        if -100 <= margin <= 100:
            facts["gross_margin_pct"] = margin
    except (KeyError, TypeError, ValueError):
        pass
    return facts


def subscription_facts(sub: dict[str, Any], at: datetime) -> dict[str, Any]:
    """AccountContext fields a subscription object supports (see the module docstring)."""
    facts: dict[str, Any] = {}
    currency = currency_of(sub)
    annual = annual_amount_minor(sub)
    if currency:
        facts["currency"] = currency
        if annual is not None:
            facts["arr"] = round(major_units(annual, currency), 2)
    first = next(iter(_items(sub)), {})  # the plan, period and term are read off the first item
    plan, term = (_plan_name(first), _term_months(first)) if first else (None, None)
    if plan:
        facts["plan"] = plan
    status = STATUS.get(str(sub.get("status")))
    if status:
        facts["billing_status"] = status
    period_end = sub.get("current_period_end") or dig(first, "current_period_end")
    if period_end:
        facts["renewal_date"] = from_unix(period_end, "current_period_end").date().isoformat()
    if term:
        facts["contract_term_months"] = term
    facts["auto_renew"] = not (sub.get("cancel_at_period_end") is True or sub.get("cancel_at"))
    started = sub.get("start_date") or sub.get("start") or sub.get("created")
    if started:
        facts["tenure_months"] = _months_between(from_unix(started, "start_date"), at)
    if isinstance(sub.get("customer"), dict):
        facts.update(customer_facts(sub["customer"]))
    facts.update(metadata_facts(sub.get("metadata")))
    return facts


def customer_facts(customer: dict[str, Any]) -> dict[str, Any]:
    """Name, currency and metadata facts of a Stripe customer (no ARR: that needs a subscription)."""
    facts: dict[str, Any] = {}
    if text(customer.get("name")):
        facts["name"] = text(customer.get("name"))
    if text(customer.get("currency")):
        facts["currency"] = str(customer["currency"]).upper()
    facts.update(metadata_facts(customer.get("metadata")))
    return facts


def subscription_arr(sub: dict[str, Any]) -> float:
    """ARR in major units, 0 when it cannot be computed (used for retained ARR on outcomes)."""
    currency, annual = currency_of(sub), annual_amount_minor(sub)
    return round(major_units(annual, currency), 2) if currency and annual is not None else 0.0
