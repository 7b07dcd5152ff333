"""Mail through an outbox: queued in the caller's transaction, sent once that has committed.

`queue` adds a row to `mail_outbox` in the caller's transaction, so a message exists exactly
when the change it reports is committed (a rolled-back reminder mails nobody), and asks for
a `drain` right after that commit. The worker drains as well (every minute, with the
reminders), so what could not go out then goes later. `drain`:

- claims a batch in a short transaction of its own: an UPDATE whose WHERE re-checks that no
  one holds the rows, so two senders never take the same message;
- sends the batch over one SMTP connection per server (the instance's KHT_SMTP_* server, or
  the sending mail account's own, STARTTLS or SMTPS) with no transaction open (a slow
  server blocks no writer);
- records each outcome: `sent`; `refused` when the server refuses the recipient for good
  (5xx, not retried); otherwise back to the queue with a growing wait (server down, 4xx,
  timeout), so nothing is lost.

A sender that dies after the server took a message but before recording it leaves its claim
to expire (LEASE) and the message goes again: the one way a message can arrive twice. Its
Message-ID stays the same (`<kht-outbox-<id>@…>`, or the one archived with a mail written
in the CRM), so mail programs show it once.

Sending uses the standard library's smtplib, not aiosmtplib: every sender here is
synchronous (after a commit in a request's worker thread, the huey worker, the CLI), and an
asyncio client would need an event loop started per drain for no gain.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formataddr, formatdate

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kht.config import Settings
from kht.context import Ctx
from kht.crypto import UnreadableSecret, unseal
from kht.db.outbox import claim, due, once_after_commit
from kht.mail.models import MailAccount, OutgoingFile, OutgoingMail

log = logging.getLogger("kht.mail")
BATCH = 200
LEASE = timedelta(minutes=10)  # longer than a batch can take (30 s timeout per step)
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
_SCHEDULED = "kht_mail_drain"
SENT, REFUSED = "sent", "refused"
Attached = tuple[str, str, bytes]  # file name, content type, content


def queue(
    ctx: Ctx,
    to: str,
    subject: str,
    body: str,
    *,
    kind: str = "",
    record_id: int | None = None,
    account_id: int | None = None,
    cc: str = "",
    message_id: str = "",
    in_reply_to: str = "",
    refs: str = "",
    headers: dict[str, str] | None = None,
    envelope_from: str = "",
    calendar: str = "",
    html: str = "",
    files: Sequence[Attached] = (),
) -> OutgoingMail | None:
    """Queue a plain-text message in the caller's transaction; it is sent after the commit.

    `html` is an HTML version of `body` (the message becomes multipart/alternative); `files`
    are attachments, (file name, content type, bytes).

    `to` and `cc` are comma-separated addresses. With `account_id` it goes out through that
    mail account's SMTP server (kht.mail.accounts), with `message_id` (also archived) and
    the thread headers; without one through KHT_SMTP_*, and without KHT_SMTP_HOST nothing is
    queued (no server, no mail). Mass mail adds extra `headers` and the `envelope_from` its
    bounces go back to. `calendar` is an iCalendar text (a meeting
    invitation, its update or cancellation) sent along as a text/calendar part and as
    invite.ics.
    """
    if account_id is None and not ctx.settings.smtp_host:
        return None
    mail = OutgoingMail(
        to_address=to,
        subject=subject[:300],
        body=body,
        kind=kind,
        record_id=record_id,
        account_id=account_id,
        cc_addresses=cc,
        message_id=message_id,
        in_reply_to=in_reply_to,
        refs=refs,
        headers=headers or {},
        envelope_from=envelope_from,
        calendar=calendar,
        html_body=html,
        created_at=ctx.now(),
    )
    ctx.session.add(mail)
    if files:
        ctx.session.flush()  # the files need the message's id
        for name, content_type, data in files:
            ctx.session.add(
                OutgoingFile(mail_id=mail.id, filename=name, content_type=content_type, data=data)
            )
    _drain_after_commit(ctx)
    return mail


def _drain_after_commit(ctx: Ctx) -> None:
    engine, settings, clock = ctx.session.get_bind(), ctx.settings, ctx.now
    # A failure leaves the commit standing; the worker's next drain sends the mail.
    once_after_commit(ctx.session, _SCHEDULED, lambda: drain(engine, settings, clock()))


def _claimable(settings: Settings, now: datetime) -> list:
    conditions = due(OutgoingMail, now)
    if not settings.smtp_host:  # instance mail waits for a server; account mail has its own
        conditions.append(OutgoingMail.account_id.is_not(None))
    return conditions


@dataclass(frozen=True)
class Server:
    """Where and how to hand mail over: host, port, `ssl` (SMTPS), `starttls` or `none`."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str

    @classmethod
    def of_settings(cls, settings: Settings) -> Server:
        """The instance's server (KHT_SMTP_*): port 465 is SMTPS."""
        security = "ssl" if settings.smtp_port == 465 else "none"
        if security == "none" and settings.smtp_starttls:
            security = "starttls"
        sender = settings.smtp_from or settings.smtp_user or "kht@localhost"
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            security,
            settings.smtp_user,
            settings.smtp_password,
            sender,
        )

    @classmethod
    def of_account(cls, settings: Settings, account: MailAccount) -> Server:
        """A mail account's server, logging in with its unsealed password."""
        sender = formataddr((account.name, account.email)) if account.name else account.email
        password = unseal(settings, account.password_secret)
        user = (account.login or account.email) if password else ""
        return cls(
            account.smtp_host, account.smtp_port, account.smtp_security, user, password, sender
        )


def drain(engine: Engine, settings: Settings, now: datetime) -> int:
    """Send every queued message that is due; returns how many the servers took."""
    token = claim(engine, OutgoingMail, _claimable(settings, now), now, LEASE, BATCH)
    with Session(engine) as session:
        claimed = select(OutgoingMail).where(OutgoingMail.claim == token)
        mails = list(session.scalars(claimed.order_by(OutgoingMail.id)))
        files = _files(session, [m.id for m in mails])
        accounts = {
            a.id: a
            for a in session.scalars(
                select(MailAccount).where(MailAccount.id.in_({m.account_id for m in mails}))
            )
        }
    if not mails:
        return 0
    outcomes: dict[int, str] = {}
    for account_id in sorted({m.account_id or 0 for m in mails}):
        batch = [m for m in mails if (m.account_id or 0) == account_id]
        account = accounts.get(account_id)
        try:
            server = Server.of_account(settings, account) if account else None
        except UnreadableSecret:
            log.warning("mail account %s: password unreadable, mail stays queued", account_id)
            outcomes.update((m.id, "UnreadableSecret") for m in batch)
            continue
        # An account removed since queueing leaves its mail to the instance's server.
        server = server or Server.of_settings(settings)
        messages = [_message(server, mail, files.get(mail.id, [])) for mail in batch]
        sent = deliver(server, messages, [m.envelope_from for m in batch])
        outcomes.update(zip([m.id for m in batch], sent, strict=True))
    with Session(engine) as session, session.begin():
        for mail in mails:
            session.execute(
                update(OutgoingMail)
                .where(OutgoingMail.id == mail.id, OutgoingMail.claim == token)
                .values(**_after(mail, outcomes[mail.id], now))
                .execution_options(synchronize_session=False)
            )
    return list(outcomes.values()).count(SENT)


def _after(mail: OutgoingMail, outcome: str, now: datetime) -> dict:
    """The row's new values once the server answered `outcome` (SENT, REFUSED or an error)."""
    done = {"claim": None, "claimed_until": None, "attempts": mail.attempts + 1}
    if outcome == SENT:
        return {**done, "status": SENT, "sent_at": now, "last_error": ""}
    if outcome == REFUSED:
        return {**done, "status": REFUSED, "last_error": "the server refused the recipient"}
    wait = min(MAX_WAIT, FIRST_WAIT * 2**mail.attempts)
    return {**done, "next_attempt_at": now + wait, "last_error": outcome[:200]}


class _Headers(HeaderRegistry):
    """The standard header registry, keeping the class it builds per header name: the
    registry builds a new class for every header it is asked for, which was most of the
    time spent making a mass mail."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._made:
            self._made[key] = super().__getitem__(key)
        return self._made[key]


POLICY = default_policy.clone(header_factory=_Headers())


def _files(session: Session, mail_ids: list[int]) -> dict[int, list[OutgoingFile]]:
    """The attachments of the claimed messages, by message id."""
    found: dict[int, list[OutgoingFile]] = {}
    if mail_ids:
        query = select(OutgoingFile).where(OutgoingFile.mail_id.in_(mail_ids))
        for item in session.scalars(query.order_by(OutgoingFile.id)):
            found.setdefault(item.mail_id, []).append(item)
    return found


def _message(server: Server, mail: OutgoingMail, files: list[OutgoingFile]) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["Subject"] = mail.subject
    message["From"] = server.sender
    message["To"] = mail.to_address
    if mail.cc_addresses:
        message["Cc"] = mail.cc_addresses
    domain = server.sender.rpartition("@")[2].rstrip(">") or "localhost"
    message["Message-ID"] = mail.message_id or f"<kht-outbox-{mail.id}@{domain}>"
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.refs:
        message["References"] = mail.refs
    message["Date"] = formatdate(localtime=False)
    for name, value in (mail.headers or {}).items():
        message[name] = value
    message.set_content(mail.body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    if mail.calendar:
        _add_calendar(message, mail.calendar)
    for item in files:
        main, _, sub = item.content_type.partition("/")
        message.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
    return message


def _add_calendar(message: EmailMessage, calendar: str) -> None:
    """The invitation twice, as mail programs expect: a text/calendar alternative carrying
    its METHOD (what Outlook and Apple Mail act on) and an invite.ics attachment."""
    method = next(
        (
            line.split(":", 1)[1].strip()
            for line in calendar.splitlines()
            if line.startswith("METHOD:")
        ),
        "PUBLISH",
    )
    message.add_alternative(calendar, subtype="calendar", params={"method": method})
    message.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )


def _connect(server: Server) -> smtplib.SMTP:
    if server.security == "ssl":  # implicit TLS (SMTPS)
        return smtplib.SMTP_SSL(
            server.host, server.port, timeout=30, context=ssl.create_default_context()
        )
    return smtplib.SMTP(server.host, server.port, timeout=30)


def deliver(
    server: Server, messages: list[EmailMessage], envelopes: list[str] | None = None
) -> list[str]:
    """Hand `messages` to the SMTP server over one connection; one outcome per message:
    SENT, REFUSED (permanent), or the name of the error that leaves it for a later try.
    `envelopes` gives each message's envelope sender ('' : its From), where bounces go."""
    envelopes = envelopes or [""] * len(messages)
    outcomes: list[str] = []
    try:
        with _connect(server) as smtp:
            if server.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo_or_helo_if_needed()
            # An account's password serves IMAP too: log in where the server offers AUTH.
            if server.user and smtp.has_extn("auth"):
                smtp.login(server.user, server.password)
            for message, envelope in zip(messages, envelopes, strict=True):
                outcomes.append(_send_one(smtp, message, envelope))
    except (OSError, smtplib.SMTPException) as exc:
        # The exception's name only: its text may be the server's answer to our login.
        log.warning(
            "mail via %s:%s failed: %s; %d message(s) stay queued",
            server.host,
            server.port,
            type(exc).__name__,
            len(messages) - outcomes.count(SENT) - outcomes.count(REFUSED),
        )
        outcomes += [type(exc).__name__] * (len(messages) - len(outcomes))
    return outcomes


def _send_one(smtp: smtplib.SMTP, message: EmailMessage, envelope: str) -> str:
    try:
        smtp.send_message(message, from_addr=envelope or None)
    except smtplib.SMTPRecipientsRefused:
        log.warning("mail refused for %s", message["To"])
        return REFUSED
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        if exc.smtp_code >= 500:
            log.warning("mail refused for %s: %s", message["To"], exc.smtp_code)
            return REFUSED
        return f"{type(exc).__name__} {exc.smtp_code}"
    return SENT
