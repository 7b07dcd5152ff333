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


def _phone_of(ctx: Ctx, ticket: Ticket) -> str:
    """The number to text about a ticket: its contact's mobile, else the contact's phone,
    else the customer's phone."""
    from kht.contacts.models import Contact
    from kht.customers.models import Customer

    contact = ctx.session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    if contact is not None and contact.deleted_at is None and (contact.mobile or contact.phone):
        return contact.mobile or contact.phone
    customer = ctx.session.get(Customer, ticket.customer_id) if ticket.customer_id else None
    if customer is not None and customer.deleted_at is None and customer.phone:
        return customer.phone
    return ""


def survey_sms(ctx: Ctx, ticket: Ticket, link: str) -> bool:
    """Text the survey's link with the SMS template the service settings name (none: no
    SMS); False when nothing was queued (no template, no or a refused number)."""
    from kht.sms.service import send_system

    template_id = settings_of(ctx).survey_sms_template_id
    if template_id is None:
        return False
    values = {
        "name": ticket.requester_name,
        "ticket": {"number": ticket.number, "subject": ticket.subject},
        "survey": {"link": link},
    }
    message = send_system(ctx, template_id, _phone_of(ctx, ticket), values, "ticket", ticket.id)
    return message is not None


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
