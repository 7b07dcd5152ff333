"""Reminders: planned actions whose remind_at has come notify their owner and participants.

Each reminder fires once (`reminded_at` is stamped in the same transaction that creates the
notifications). Mail goes out when KHT_SMTP_HOST is set; a mail failure is logged (never the
password) and does not hold back the notifications.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update

from kht.actions.models import Action, Notification
from kht.actions.service import participants_of, record_url
from kht.auth.models import User
from kht.clock import zone_of
from kht.config import Settings
from kht.context import Ctx
from kht.web.i18n import N_, translations

log = logging.getLogger("kht.reminders")
BATCH = 500
TITLE = N_("Reminder: %(subject)s")
DUE = N_("Due %(when)s")


def send_due_reminders(ctx: Ctx, now: datetime | None = None) -> int:
    """Notify (and mail) the owner and participants of every planned action due a reminder.

    Runs as the system (no scope): the worker every minute and `kht reminders send`. Returns
    how many actions were reminded. Rows are locked so two runners never send twice.
    """
    now = now or ctx.now()
    due = list(
        ctx.session.scalars(
            select(Action)
            .where(
                Action.status == "planned",
                Action.deleted_at.is_(None),
                Action.remind_at.is_not(None),
                Action.remind_at <= now,
                Action.reminded_at.is_(None),
            )
            .order_by(Action.remind_at, Action.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )
    if not due:
        return 0
    participants = participants_of(ctx, [a.id for a in due])
    wanted = {a.owner_id for a in due} | {u for ids in participants.values() for u in ids}
    users = {
        u.id: u
        for u in ctx.session.scalars(select(User).where(User.id.in_(wanted - {None}), User.active))
    }
    mails: list[EmailMessage] = []
    for action in due:
        recipients = sorted({action.owner_id, *participants[action.id]} - {None})
        for user_id in recipients:
            user = users.get(user_id)
            if user is None:
                continue
            title, body = _texts(action, user)
            ctx.session.add(
                Notification(
                    user_id=user.id,
                    title=title[:300],
                    body=body,
                    url=record_url(action.kind, action.record_id),
                    kind="action",
                    record_id=action.id,
                    created_at=now,
                )
            )
            if user.email:
                mails.append(_mail(ctx.settings, user.email, title, body, action))
    # Derived, not an edit: no version bump, so a form open on the action still saves.
    ctx.session.execute(
        update(Action)
        .where(Action.id.in_([a.id for a in due]))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    ctx.session.flush()
    send_mail(ctx.settings, mails)
    return len(due)


def _texts(action: Action, user: User) -> tuple[str, str]:
    gettext = translations(user.language or "zh_CN").gettext
    title = gettext(TITLE) % {"subject": action.subject}
    if action.due_at is None:
        return title, action.body
    zone = zone_of(user)
    when = action.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    body = gettext(DUE) % {"when": when}
    return title, f"{body}\n{action.body}".strip()


def _mail(settings: Settings, to: str, title: str, body: str, action: Action) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = title
    message["From"] = settings.smtp_from or settings.smtp_user or "kht@localhost"
    message["To"] = to
    link = record_url(action.kind, action.record_id)
    message.set_content(f"{body}\n\n{link}\n")
    return message


def send_mail(settings: Settings, messages: list[EmailMessage]) -> int:
    """Send `messages` over one SMTP connection; how many went out (0 without KHT_SMTP_HOST)."""
    if not settings.smtp_host or not messages:
        return 0
    sent = 0
    try:
        smtp: smtplib.SMTP
        if settings.smtp_port == 465:  # implicit TLS (SMTPS)
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=30,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30)
        with smtp:
            if settings.smtp_port != 465 and settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            for message in messages:
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPRecipientsRefused:
                    log.warning("reminder mail refused for %s", message["To"])
    except (OSError, smtplib.SMTPException) as exc:
        # The exception text is the server's answer, never the password we sent.
        log.warning(
            "reminder mail via %s:%s failed: %s",
            settings.smtp_host,
            settings.smtp_port,
            type(exc).__name__,
        )
    return sent


def run_reminders(runtime: Any) -> int:
    """The worker's and the CLI's entry point: one run in its own transaction, as the system."""
    with runtime.ctx() as ctx:
        return send_due_reminders(ctx, ctx.now())
