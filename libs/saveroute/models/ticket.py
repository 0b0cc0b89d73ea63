"""A helpdesk ticket as saveroute needs it: status, SLA, satisfaction, dates."""

from saveroute.models._base import Model, UtcDatetime
from saveroute.models.enums import Csat, TicketPriority, TicketStatus


class SupportTicket(Model):
    ticket_id: str
    status: TicketStatus
    created_at: UtcDatetime
    # Carried on the support-ticket topic (keyed by account); absent in scenarios.
    account_id: str | None = None
    priority: TicketPriority | None = None
    subject: str | None = None
    sla_breached: bool | None = None
    csat: Csat | None = None
    updated_at: UtcDatetime | None = None
