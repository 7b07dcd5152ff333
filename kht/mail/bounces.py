"""Bounces and complaints coming back to a mail account, read with the standard library's
`email` package (no pattern matching over text).

A delivery status notification (RFC 3464: `multipart/report; report-type=delivery-status`)
carries one `message/delivery-status` part, whose per-recipient blocks give
`Final-Recipient`, `Action` and `Status`; `Action: failed` with a 5.x.x status is a hard
bounce (4.x.x and `delayed` are soft: the server is still trying, nothing is recorded). A
complaint (RFC 5965 feedback report, `report-type=feedback-report`) names the complaining
address in its `Original-Rcpt-To`, else the returned mail's `To`. The returned mail's
headers (its `text/rfc822-headers` or `message/rfc822` part) carry kht's `X-Kht-Mass`
token, which names the exact recipient; without it, the most recent recipient with that
address is taken.

The fetcher (kht.mail.fetch) hands every mail it reads to `handle`: a report about a mass
mail (hard or soft) is recorded and not archived (it would only clutter a timeline).
"""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage, Message
from email.policy import default
from email.utils import parseaddr

import msgspec
from sqlalchemy import select

from kht.context import Ctx
from kht.mail.mass_status import bounced
from kht.mail.models import MassRecipient
from kht.mail.tracking import recipient_of


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """What a bounce or complaint says: the address, hard bounce or complaint, the status
    code, and kht's token from the returned mail's headers ('' when missing)."""

    email: str
    complaint: bool
    status: str
    token: str


def _address(value: str | None) -> str:
    """The address of an `rfc822; someone@example.com` field."""
    if not value:
        return ""
    _, _, address = str(value).rpartition(";")
    return parseaddr(address.strip())[1].lower()


def _returned_headers(report: Message) -> Message | None:
    """The headers of the mail that came back, when the report includes them."""
    for part in report.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            return message_from_bytes(part.get_payload(decode=True) or b"", policy=default)
        if kind == "message/rfc822":
            inner = part.get_payload()
            return inner[0] if isinstance(inner, list) and inner else None
    return None


def _token(report: Message) -> str:
    returned = _returned_headers(report)
    return str(returned.get("X-Kht-Mass", "")).strip() if returned is not None else ""


def _delivery_reports(message: Message) -> list[Report]:
    token = _token(message)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The first block is about the message; each further block about one recipient.
        for block in part.get_payload()[1:]:
            status = str(block.get("Status", "")).strip()
            action = str(block.get("Action", "")).strip().lower()
            if action == "failed" and status.startswith("5"):
                email = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
                if email:
                    found.append(Report(email=email, complaint=False, status=status, token=token))
    return found


def _complaint(message: Message) -> list[Report]:
    token = _token(message)
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            fields = part.get_payload()
            block = fields[0] if isinstance(fields, list) and fields else part
            email = _address(block.get("Original-Rcpt-To"))
            if not email:
                returned = _returned_headers(message)
                email = parseaddr(str(returned.get("To", "")))[1].lower() if returned else ""
            if email:
                return [Report(email=email, complaint=True, status="", token=token)]
    return []


def read_reports(message: Message) -> list[Report]:
    """The hard bounces or the complaint a mail reports; [] for any other mail."""
    if message.get_content_type() != "multipart/report":
        return []
    kind = str(message.get_param("report-type", "")).lower()
    if kind == "delivery-status":
        return _delivery_reports(message)
    if kind == "feedback-report":
        return _complaint(message)
    return []


def _recipient(ctx: Ctx, report: Report) -> MassRecipient | None:
    recipient_id = recipient_of(ctx.settings, report.token) if report.token else None
    if recipient_id is not None:
        recipient = ctx.session.get(MassRecipient, recipient_id)
        if recipient is not None and recipient.email == report.email:
            return recipient
    query = (
        select(MassRecipient)
        .where(MassRecipient.email == report.email, MassRecipient.outbox_id.is_not(None))
        .order_by(MassRecipient.id.desc())
        .limit(1)
    )
    return ctx.session.scalar(query)


def handle(ctx: Ctx, raw: bytes) -> bool:
    """Record the bounces or complaint in `raw` (suppressing the addresses); True when it
    was a report about a mass mail (then the fetcher does not archive it)."""
    message: EmailMessage = message_from_bytes(raw, policy=default)  # type: ignore[assignment]
    if message.get_content_type() != "multipart/report":
        return False
    # A report of a mass mail (a soft bounce too) carries its signed token.
    about_mass = recipient_of(ctx.settings, _token(message)) is not None
    for report in read_reports(message):
        recipient = _recipient(ctx, report)
        about_mass = about_mass or recipient is not None
        bounced(ctx, recipient, report.email, complaint=report.complaint, detail=report.status)
    return about_mass
