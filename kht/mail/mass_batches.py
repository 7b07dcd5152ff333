"""The worker's side of mass mail: recipients into the outbox at the send's rate, and the
outbox's outcomes back onto the recipients.

`run` (every minute in the worker, and right after the commit that started a send):

1. takes each send that is due and moves up to `rate_per_minute` pending recipients into
   the outbox, acting as the sender (their scope fills the merge fields), in chunks: each
   chunk's mails and its recipients' new status commit together, so a crash loses nothing
   and doubles nothing (the batches mass SMS uses too: kht.mass_sends.Batches);
3. hands the outbox to its sender (kht.mail.outbox: retries, backoff, claims) and copies
   each outcome (`sent`, `refused`) onto its recipient, firing `kht_on_mail_status`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.context import Ctx
from kht.db.base import utcnow
from kht.db.outbox import once_after_commit
from kht.errors import NotFound, ValidationError
from kht.mail import outbox
from kht.mail.mass_status import report
from kht.mail.models import MailAccount, MassRecipient, MassSend, OutgoingMail
from kht.mail.suppression import suppressed
from kht.mail.templating import merge_values, render_text
from kht.mail.tracking import Links, tracked_html, tracked_text
from kht.mass_sends import Batches
from kht.web.i18n import N_, translations

log = logging.getLogger("kht.mail")
CHUNK = 200
FOOTER = N_("To stop receiving these mails, open: %(url)s")
_SCHEDULED = "kht_mass_mail_run"


def run_after_commit(ctx: Ctx) -> None:
    """Start preparing (and sending) once the caller's transaction has committed."""
    engine, settings, plugins, clock = ctx.session.get_bind(), ctx.settings, ctx.plugins, ctx.now
    once_after_commit(ctx.session, _SCHEDULED, lambda: run(engine, settings, plugins, clock()))


def run(engine: Any, settings: Any, plugins: Any, now: datetime | None = None) -> int:
    """Prepare every due send's next batch, send the outbox, record the outcomes; returns
    how many recipients were moved to the outbox."""
    now = now or utcnow()
    moved = BATCHES.run(engine, settings, plugins, now)
    while outbox.drain(engine, settings, now):
        record_outcomes(engine, settings, plugins, now)
    record_outcomes(engine, settings, plugins, now)
    return moved


def _queue_chunk(ctx: Ctx, send: MassSend, pending: list[MassRecipient]) -> None:
    skipped = suppressed(ctx.session, [r.email for r in pending])
    envelope = _envelope(ctx, send)
    for recipient in pending:
        if recipient.email in skipped:
            recipient.status = "suppressed"
            report(ctx, recipient, "suppressed", ctx.now())
            continue
        try:
            mail = _queue_one(ctx, send, recipient, envelope)
        except (NotFound, ValidationError) as exc:
            recipient.status, recipient.error = "failed", exc.message[:200]
            report(ctx, recipient, "failed", ctx.now())
            continue
        ctx.session.flush()
        recipient.status, recipient.outbox_id = "queued", mail.id


def _envelope(ctx: Ctx, send: MassSend) -> str:
    """Where bounces go: KHT_MAIL_BOUNCE_ADDRESS, else the sending address (the From)."""
    if ctx.settings.mail_bounce_address:
        return ctx.settings.mail_bounce_address
    if send.account_id is not None:
        account = ctx.session.get(MailAccount, send.account_id)
        return account.email if account else ""
    return parseaddr(ctx.settings.smtp_from or ctx.settings.smtp_user)[1]


def _queue_one(ctx: Ctx, send: MassSend, recipient: MassRecipient, envelope: str) -> OutgoingMail:
    links = Links(ctx.settings, recipient.id)
    values = merge_values(ctx, recipient.kind, recipient.record_id)
    values["unsubscribe_url"] = links.unsubscribe
    subject = render_text(send.subject, values, "subject").replace("\n", " ")[:300]
    body = render_text(send.body, values, "body")
    if links.unsubscribe not in body:
        footer = translations(ctx.language).gettext(FOOTER) % {"url": links.unsubscribe}
        body = f"{body.rstrip()}\n\n--\n{footer}\n"
    headers = {
        # RFC 2369 / RFC 8058: mail programs offer "unsubscribe" and POST to the link.
        "List-Unsubscribe": f"<{links.unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "X-Kht-Mass": links.token,
    }
    mail = outbox.queue(
        ctx,
        recipient.email,
        subject,
        tracked_text(body, links),
        kind="mass",
        record_id=recipient.id,
        account_id=send.account_id,
        html=tracked_html(body, links),
        headers=headers,
        envelope_from=envelope,
    )
    if mail is None:  # the instance's SMTP server was unset since the send started
        raise ValidationError("no mail server to send with", "account_id")
    return mail


def record_outcomes(engine: Any, settings: Any, plugins: Any, now: datetime) -> int:
    """Copy the outbox's `sent` / `refused` onto queued recipients (firing the hook);
    returns how many changed."""
    changed = 0
    while True:
        with Session(engine) as session, session.begin():
            rows = session.execute(
                select(MassRecipient, OutgoingMail.status, OutgoingMail.sent_at)
                .join(OutgoingMail, OutgoingMail.id == MassRecipient.outbox_id)
                .where(MassRecipient.status == "queued", OutgoingMail.status != "queued")
                .order_by(MassRecipient.id)
                .limit(CHUNK)
            ).all()
            if not rows:
                return changed
            ctx = Ctx(session=session, settings=settings, plugins=plugins, clock=lambda: now)
            for recipient, status, sent_at in rows:
                recipient.status = status
                recipient.sent_at = sent_at if status == "sent" else None
                report(ctx, recipient, status, sent_at or now)
            changed += len(rows)


BATCHES = Batches(MassSend, MassRecipient, _queue_chunk, chunk=CHUNK)
