"""Mail through an outbox: queued in the caller's transaction, sent once that has committed.

`queue` adds a row to `mail_outbox` in the caller's transaction, so a message exists exactly
when the change it reports is committed (a rolled-back reminder mails nobody), and asks for
a `drain` right after that commit. The worker drains as well (every minute, with the
reminders), so what could not go out then goes later. `drain`:

- claims a batch in a short transaction of its own: an UPDATE whose WHERE re-checks that no
  one holds the rows, so two senders never take the same message;
- sends the batch over one SMTP connection with no transaction open (a slow server blocks
  no writer);
- records each outcome: `sent`; `refused` when the server refuses the recipient for good
  (5xx, not retried); otherwise back to the queue with a growing wait (server down, 4xx,
  timeout), so nothing is lost.

A sender that dies after the server took a message but before recording it leaves its claim
to expire (LEASE) and the message goes again: the one way a message can arrive twice. Its
Message-ID stays the same (`<kht-outbox-<id>@…>`), so mail programs show it once.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kht.config import Settings
from kht.context import Ctx
from kht.db.outbox import claim, due, once_after_commit
from kht.mail.models import OutgoingMail

log = logging.getLogger("kht.mail")
BATCH = 200
LEASE = timedelta(minutes=10)  # longer than a batch can take (30 s timeout per step)
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
_SCHEDULED = "kht_mail_drain"
SENT, REFUSED = "sent", "refused"


def queue(
    ctx: Ctx, to: str, subject: str, body: str, *, kind: str = "", record_id: int | None = None
) -> OutgoingMail | None:
    """Queue a plain-text message in the caller's transaction; it is sent after the commit.

    Without KHT_SMTP_HOST nothing is queued (no server, no mail).
    """
    if not ctx.settings.smtp_host:
        return None
    mail = OutgoingMail(
        to_address=to,
        subject=subject[:300],
        body=body,
        kind=kind,
        record_id=record_id,
        created_at=ctx.now(),
    )
    ctx.session.add(mail)
    _drain_after_commit(ctx)
    return mail


def _drain_after_commit(ctx: Ctx) -> None:
    engine, settings, clock = ctx.session.get_bind(), ctx.settings, ctx.now
    # A failure leaves the commit standing; the worker's next drain sends the mail.
    once_after_commit(ctx.session, _SCHEDULED, lambda: drain(engine, settings, clock()))


def drain(engine: Engine, settings: Settings, now: datetime) -> int:
    """Send every queued message that is due; returns how many the server took."""
    if not settings.smtp_host:
        return 0
    token = claim(engine, OutgoingMail, due(OutgoingMail, now), now, LEASE, BATCH)
    with Session(engine) as session:
        claimed = select(OutgoingMail).where(OutgoingMail.claim == token)
        mails = list(session.scalars(claimed.order_by(OutgoingMail.id)))
    if not mails:
        return 0
    outcomes = deliver(settings, [_message(settings, mail) for mail in mails])
    with Session(engine) as session, session.begin():
        for mail, outcome in zip(mails, outcomes, strict=True):
            session.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail.id, OutgoingMail.claim == token)
                .values(**_after(mail, outcome, now))
                .execution_options(synchronize_session=False)
            )
    return outcomes.count(SENT)


def _after(mail: OutgoingMail, outcome: str, now: datetime) -> dict:
    """The row's new values once the server answered `outcome` (SENT, REFUSED or an error)."""
    done = {"claim": None, "claimed_until": None, "attempts": mail.attempts + 1}
    if outcome == SENT:
        return {**done, "status": SENT, "sent_at": now, "last_error": ""}
    if outcome == REFUSED:
        return {**done, "status": REFUSED, "last_error": "the server refused the recipient"}
    wait = min(MAX_WAIT, FIRST_WAIT * 2**mail.attempts)
    return {**done, "next_attempt_at": now + wait, "last_error": outcome[:200]}


def _message(settings: Settings, mail: OutgoingMail) -> EmailMessage:
    sender = settings.smtp_from or settings.smtp_user or "kht@localhost"
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to_address
    domain = sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<kht-outbox-{mail.id}@{domain}>"
    message.set_content(mail.body)
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_port == 465:  # implicit TLS (SMTPS)
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=30, context=ssl.create_default_context()
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)


def deliver(settings: Settings, messages: list[EmailMessage]) -> list[str]:
    """Hand `messages` to the SMTP server over one connection; one outcome per message:
    SENT, REFUSED (permanent), or the name of the error that leaves it for a later try."""
    outcomes: list[str] = []
    try:
        with _connect(settings) as smtp:
            if settings.smtp_port != 465 and settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for message in messages:
                outcomes.append(_send_one(smtp, message))
    except (OSError, smtplib.SMTPException) as exc:
        # The exception's name only: its text may be the server's answer to our login.
        log.warning(
            "mail via %s:%s failed: %s; %d message(s) stay queued",
            settings.smtp_host,
            settings.smtp_port,
            type(exc).__name__,
            len(messages) - outcomes.count(SENT) - outcomes.count(REFUSED),
        )
        outcomes += [type(exc).__name__] * (len(messages) - len(outcomes))
    return outcomes


def _send_one(smtp: smtplib.SMTP, message: EmailMessage) -> str:
    try:
        smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        log.warning("mail refused for %s", message["To"])
        return REFUSED
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        if exc.smtp_code >= 500:
            log.warning("mail refused for %s: %s", message["To"], exc.smtp_code)
            return REFUSED
        return f"{type(exc).__name__} {exc.smtp_code}"
    return SENT
