"""What happens to a mass mail after it left: opens, clicks, unsubscribes, bounces and
complaints, each recorded on its recipient and reported through `kht_on_mail_status`.

Opens and clicks are stamped the first time only (a mail client that loads the pixel on
every view counts once). An unsubscribe, a hard bounce or a complaint also puts the address
on the suppression list, which every later mass send honours.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kht.context import Ctx
from kht.mail.models import MassRecipient, MassSend
from kht.mail.suppression import suppress
from kht.plugin_types import MailRecipientStatus


def report(ctx: Ctx, recipient: MassRecipient, status: str, at: datetime) -> None:
    """Fire `kht_on_mail_status` for one change, in the caller's transaction."""
    origin = ctx.session.scalar(select(MassSend.origin).where(MassSend.id == recipient.send_id))
    change = MailRecipientStatus(
        send_id=recipient.send_id,
        origin=origin or "",
        recipient_id=recipient.id,
        kind=recipient.kind,
        record_id=recipient.record_id,
        email=recipient.email,
        status=status,
        at=at,
    )
    ctx.hook.kht_on_mail_status(ctx=ctx, change=change)


def opened(ctx: Ctx, recipient_id: int) -> None:
    """The pixel was loaded."""
    recipient = ctx.session.get(MassRecipient, recipient_id)
    if recipient is not None and recipient.opened_at is None:
        recipient.opened_at = ctx.now()
        report(ctx, recipient, "opened", recipient.opened_at)


def clicked(ctx: Ctx, recipient_id: int) -> None:
    """A tracked link was followed (which also shows the mail was opened)."""
    recipient = ctx.session.get(MassRecipient, recipient_id)
    if recipient is None:
        return
    if recipient.opened_at is None:
        opened(ctx, recipient_id)
    if recipient.clicked_at is None:
        recipient.clicked_at = ctx.now()
        report(ctx, recipient, "clicked", recipient.clicked_at)


def unsubscribed(ctx: Ctx, recipient_id: int) -> MassRecipient | None:
    """The recipient left the list: their address is suppressed from now on."""
    recipient = ctx.session.get(MassRecipient, recipient_id)
    if recipient is None:
        return None
    if recipient.unsubscribed_at is None:
        recipient.unsubscribed_at = ctx.now()
        report(ctx, recipient, "unsubscribed", recipient.unsubscribed_at)
    suppress(ctx.session, recipient.email, "unsubscribed", send_id=recipient.send_id)
    return recipient


def bounced(
    ctx: Ctx, recipient: MassRecipient | None, email: str, *, complaint: bool, detail: str
) -> None:
    """A hard bounce or a complaint for `email` (and its recipient when known): the address
    is suppressed; the recipient's status says which."""
    status = "complained" if complaint else "bounced"
    suppress(
        ctx.session,
        email,
        status,
        send_id=recipient.send_id if recipient else None,
        detail=detail,
    )
    if recipient is not None and recipient.status != status:
        recipient.status = status
        recipient.bounced_at = recipient.bounced_at or ctx.now()
        report(ctx, recipient, status, ctx.now())
