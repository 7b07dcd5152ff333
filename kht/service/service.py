"""Public reads of the service desk for plugins (kht.plugin_api's boundary allows
`kht.<domain>.service`): figures about a customer's tickets that a value model may use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select

from kht.context import Ctx
from kht.service.models import OPEN_STATUSES, Ticket

__all__ = ["open_tickets"]


def open_tickets(
    ctx: Ctx, customer_id: int | Iterable[int] | Select[Any], *, at: datetime | None = None
) -> int:
    """How many live tickets of the customer (or of several: ids or a query of ids, e.g. a
    group's `customers_below`) are still open (new, assigned, in progress, waiting); with
    `at`, how many were open then: created by then and not yet resolved or closed. Read as
    the system: a score must not depend on who triggers it."""
    if isinstance(customer_id, int):
        whose = Ticket.customer_id == customer_id
    else:
        ids = customer_id if isinstance(customer_id, Select) else list(customer_id)
        whose = Ticket.customer_id.in_(ids)
    if at is None:
        state = Ticket.status.in_(OPEN_STATUSES)
    else:
        ended = func.coalesce(Ticket.resolved_at, Ticket.closed_at)
        state = (Ticket.created_at <= at) & or_(ended.is_(None), ended > at)
    query = select(func.count(Ticket.id)).where(whose, Ticket.deleted_at.is_(None), state)
    return ctx.session.scalar(query) or 0
