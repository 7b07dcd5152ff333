"""Public reads of the service desk for plugins (kht.plugin_api's boundary allows
`kht.<domain>.service`): figures about a customer's tickets that a value model may use."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.context import Ctx
from kht.service.models import OPEN_STATUSES, Ticket

__all__ = ["open_tickets"]


def open_tickets(ctx: Ctx, customer_id: int) -> int:
    """How many live tickets of the customer are still open (new, assigned, in progress,
    waiting). Read as the system: a score must not depend on who triggers it."""
    query = select(func.count(Ticket.id)).where(
        Ticket.customer_id == customer_id,
        Ticket.deleted_at.is_(None),
        Ticket.status.in_(OPEN_STATUSES),
    )
    return ctx.session.scalar(query) or 0
