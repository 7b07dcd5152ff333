"""The public service form: a customer's request becomes a ticket, behind the same spam
checks as the public lead form (kht.leads.webform: the honeypot, the signed timed token)
and the same per-address limit, counted on web-form tickets."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kht.context import Ctx
from kht.leads.webform import (
    METADATA_NAMESPACE,
    RATE_LIMIT,
    RATE_WINDOW,
    TooManySubmissions,
    check_honeypot,
    check_token,
)
from kht.service import tickets
from kht.service.models import Ticket
from kht.service.schemas import WebTicket
from kht.service.sla import settings_of

__all__ = ["RATE_WINDOW", "submit"]


def recent_from(ctx: Ctx, ip: str, window: timedelta = RATE_WINDOW) -> int:
    """Web-form tickets opened from `ip` within the window (deleted ones count too)."""
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.channel == "web",
            Ticket.created_at > ctx.now() - window,
            Ticket.ext[(METADATA_NAMESPACE, "ip")].as_string() == ip,
        )
    )
    return ctx.session.scalar(query) or 0


def submit(ctx: Ctx, data: WebTicket, *, token: str, honeypot: str, ip: str) -> Ticket:
    """Every check in order (honeypot, token, rate), then the ticket in the intake queue
    with the message on its timeline; refusals create nothing."""
    check_honeypot(honeypot)
    check_token(ctx.settings.secret_key, token, ctx.now())
    if recent_from(ctx, ip) >= RATE_LIMIT:
        raise TooManySubmissions("too many submissions; please try again later", "ip")
    values = {
        "subject": data.subject,
        "description": data.message.strip(),
        "channel": "web",
        "requester_name": data.name,
        "requester_email": data.email,
        "queue_id": settings_of(ctx).intake_queue_id,
    }
    ticket = tickets.open_ticket(ctx, values, data.message or data.subject)
    # Capture metadata, not a field anyone edits (the lead form keeps it the same way).
    ticket.ext = {**(ticket.ext or {}), METADATA_NAMESPACE: {"ip": ip[:64]}}
    ctx.session.flush()
    return ticket
