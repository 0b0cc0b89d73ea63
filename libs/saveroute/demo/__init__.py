"""The demo data `saveroute up` and `saveroute demo` ship with, moved to the present.

The files (accounts, tickets, signals as JSON lines in the contract shapes) are written
around a fixed moment, DEMO_EPOCH. A live demo decides at processing time, so the data
is shifted to "now" on load: every timestamp moves by the same amount and every date by
the same whole number of days, which keeps ages, staleness and renewal windows exactly
as written (an account 51 days stale stays 51 days stale).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from typing import TypeVar

from pydantic import BaseModel

from saveroute.models import AccountContext, Scenario, Signal, SupportTicket

DEMO_EPOCH = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class DemoData:
    accounts: list[AccountContext]
    tickets: list[SupportTicket]  # each carries its account_id
    signals: list[Signal]
    now: datetime  # the moment DEMO_EPOCH was moved to

    def scenarios(self) -> list[Scenario]:
        """Each signal with the context the stack will join it with, decided at `now`."""
        accounts = {a.account_id: a for a in self.accounts}
        tickets: dict[str, list[SupportTicket]] = {}
        for ticket in self.tickets:
            tickets.setdefault(ticket.account_id or "", []).append(ticket)
        return [
            Scenario(
                now=self.now,
                signal=signal,
                account=accounts.get(signal.account_id),
                tickets=sorted(tickets.get(signal.account_id, []), key=lambda t: (t.created_at, t.ticket_id)),
            )
            for signal in self.signals
        ]


def load_demo(now: datetime | None = None) -> DemoData:
    """The shipped demo data, shifted so that DEMO_EPOCH falls on `now` (default: the clock)."""
    moment = now or datetime.now(timezone.utc)
    delta = moment - DEMO_EPOCH
    return DemoData(
        accounts=[_shifted(a, delta) for a in _read("accounts.jsonl", AccountContext)],
        tickets=[_shifted(t, delta) for t in _read("tickets.jsonl", SupportTicket)],
        signals=[_shifted(s, delta) for s in _read("signals.jsonl", Signal)],
        now=moment,
    )


def _read(name: str, model: type[M]) -> list[M]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [model.model_validate_json(line) for line in text.splitlines() if line.strip()]


def _shifted(model: M, delta: timedelta) -> M:
    whole_days = timedelta(days=round(delta / timedelta(days=1)))
    update: dict[str, object] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, datetime):
            update[name] = value + delta
        elif isinstance(value, date):
            update[name] = value + whole_days
    return model.model_copy(update=update)
