"""One-to-one tracking of a mail written in the CRM: its pixel's loads and its links'
clicks, stamped on the archived mail (the first time, and counted every time).

Only a mail sent with `track` has a pixel and tracked links (kht.mail.sending); a token of
another mail, or of a mail not sent tracked, changes nothing.
"""

from __future__ import annotations

from kht.context import Ctx
from kht.mail.models import MailMessage
from kht.mail.tracking import PERSONAL, Links, tracked_html, tracked_text


def opened(ctx: Ctx, mail_id: int) -> None:
    """The pixel was loaded."""
    mail = ctx.session.get(MailMessage, mail_id)
    if mail is None or not mail.tracked:
        return
    mail.opens += 1
    mail.opened_at = mail.opened_at or ctx.now()


def clicked(ctx: Ctx, mail_id: int) -> None:
    """A tracked link was followed (which also shows the mail was opened)."""
    mail = ctx.session.get(MailMessage, mail_id)
    if mail is None or not mail.tracked:
        return
    if mail.opened_at is None:
        opened(ctx, mail_id)
    mail.clicks += 1
    mail.clicked_at = mail.clicked_at or ctx.now()


def tracked_parts(ctx: Ctx, mail_id: int, body: str) -> tuple[str, str]:
    """The text (links tracked) and HTML (links tracked, the pixel) the recipient gets."""
    links = Links(ctx.settings, mail_id, PERSONAL)
    return tracked_text(body, links), tracked_html(body, links)
