"""Tickets from outside: the service mailbox and the public form.

A mail that reaches the configured service mailbox (a shared mail account, fetched and
archived by kht.mail) threads onto the ticket whose number its subject carries
(`[T000012]`, as every mail about a ticket has) or whose conversation it belongs to (the
same mail thread); otherwise it opens a ticket in the intake queue, for the customer or
contact the archive matched it to, and the sender gets the acknowledgement. It happens in
the fetch's transaction, once per mailbox and mail (kht.events.MailReceived).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from kht.context import Ctx
from kht.errors import KhtError
from kht.events import MailReceived
from kht.mail.models import MailLink, MailMessage
from kht.service import mailing, tickets
from kht.service.models import Ticket
from kht.service.sla import settings_of

log = logging.getLogger("kht.service")


def _thread_ticket(ctx: Ctx, message: MailMessage) -> Ticket | None:
    number = mailing.number_in(message.subject)
    query = select(Ticket).where(Ticket.deleted_at.is_(None))
    if number is not None:
        found = ctx.session.scalar(query.where(Ticket.number == number))
        if found is not None:
            return found
    if message.thread_id is None:
        return None
    return ctx.session.scalar(
        query.where(Ticket.mail_thread_id == message.thread_id).order_by(Ticket.id.desc())
    )


def _matched(ctx: Ctx, message_id: int, kind: str) -> int | None:
    return ctx.session.scalar(
        select(MailLink.record_id)
        .where(MailLink.message_id == message_id, MailLink.kind == kind)
        .order_by(MailLink.record_id)
    )


def _values(ctx: Ctx, message: MailMessage) -> dict[str, Any]:
    return {
        "subject": (message.subject or "").strip()[:200] or "(no subject)",
        "description": message.text_body[:20000],
        "channel": "email",
        "requester_name": message.from_name[:100],
        "requester_email": message.from_address,
        "customer_id": _matched(ctx, message.id, "customer"),
        "contact_id": _matched(ctx, message.id, "contact"),
        "queue_id": settings_of(ctx).intake_queue_id,
        "mail_thread_id": message.thread_id or message.id,
    }


def on_mail(ctx: Ctx, event: MailReceived) -> Ticket | None:
    """Thread a service-mailbox mail onto its ticket, or open one (None: not for service)."""
    settings = settings_of(ctx)
    if settings.mailbox_id is None or event.account_id != settings.mailbox_id:
        return None
    message = ctx.session.get(MailMessage, event.record_id)
    if message is None or message.direction != "in" or not message.from_address:
        return None
    try:
        # A savepoint: a mail that cannot become a ticket (a malformed sender) leaves the
        # fetch, which stores the mail all the same, untouched.
        with ctx.session.begin_nested():
            return _take_in(ctx, message)
    except KhtError as exc:
        log.warning("mail %s did not become a ticket: %s", message.id, exc.message)
        return None


def _take_in(ctx: Ctx, message: MailMessage) -> Ticket:
    ticket = _thread_ticket(ctx, message)
    if ticket is not None:
        tickets.customer_wrote(ctx, ticket, message.text_body, mail_id=message.id)
        return ticket
    values = _values(ctx, message)
    return tickets.open_ticket(ctx, values, message.text_body, mail_id=message.id)
