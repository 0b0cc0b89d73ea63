"""One line of a scenario file: a signal plus the context known when it arrived."""

from pydantic import Field

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.account import AccountContext
from saveroute.models.signal import Signal
from saveroute.models.ticket import SupportTicket


class Scenario(Model):
    now: UtcDatetime
    signal: Signal
    account: AccountContext | None = None
    tickets: list[SupportTicket] = Field(default_factory=list)
