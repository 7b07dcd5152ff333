"""Mail to the customer about a ticket, through the mail outbox: the acknowledgement with
the ticket number, replies, and the satisfaction survey. The subject carries the number in
brackets (`[T000012]`), which threads the customer's answer back onto the ticket."""

from __future__ import annotations

import re

from kht.context import Ctx
from kht.mail.outbox import queue
from kht.service.models import Ticket
from kht.service.sla import settings_of
from kht.web.i18n import N_, translations

NUMBER = re.compile(r"\[(T\d{6,})\]")
ACK_SUBJECT = N_("We received your request")
ACK_BODY = N_(
    "Dear %(name)s,\n\nthank you for contacting us. Your request has the ticket number "
    "%(number)s; please keep it in the subject when you write to us about it.\n\n%(subject)s"
)
SURVEY_SUBJECT = N_("How did we do?")
SURVEY_BODY = N_(
    "Dear %(name)s,\n\nyour request %(number)s has been resolved:\n\n%(resolution)s\n\n"
    "Please rate our service (1 to 5) — one question, one click:\n%(link)s\n"
)


def subject_of(ticket: Ticket, text: str) -> str:
    """`text` with the ticket number in brackets (how a reply finds its ticket again)."""
    return f"[{ticket.number}] {text}"


def number_in(subject: str) -> str | None:
    """The ticket number a subject carries, if any."""
    found = NUMBER.search(subject or "")
    return found.group(1) if found else None


def _send(ctx: Ctx, ticket: Ticket, subject: str, body: str) -> bool:
    if not ticket.requester_email:
        return False
    account = settings_of(ctx).mailbox_id
    mail = queue(
        ctx,
        ticket.requester_email,
        subject_of(ticket, subject),
        body,
        kind="ticket",
        record_id=ticket.id,
        account_id=account,
    )
    return mail is not None


def acknowledge(ctx: Ctx, ticket: Ticket) -> bool:
    """Mail the customer the ticket number (False: no address or no mail server)."""
    gettext = translations(ctx.language or "zh_CN").gettext
    name = ticket.requester_name or ticket.requester_email
    body = gettext(ACK_BODY) % {"name": name, "number": ticket.number, "subject": ticket.subject}
    return _send(ctx, ticket, gettext(ACK_SUBJECT), body)


def reply(ctx: Ctx, ticket: Ticket, body: str) -> bool:
    """Mail a reply written on the ticket to the customer."""
    return _send(ctx, ticket, ticket.subject, body)


def survey(ctx: Ctx, ticket: Ticket, link: str) -> bool:
    """Mail the one-question survey with its signed link."""
    gettext = translations(ctx.language or "zh_CN").gettext
    values = {
        "name": ticket.requester_name or ticket.requester_email,
        "number": ticket.number,
        "resolution": ticket.resolution,
        "link": link,
    }
    return _send(ctx, ticket, gettext(SURVEY_SUBJECT), gettext(SURVEY_BODY) % values)
