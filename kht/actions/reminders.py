"""Reminders: planned actions whose remind_at has come notify their owner and participants.

Each reminder fires once (`reminded_at` is stamped in the same transaction that creates the
notifications and queues the mail). Mail goes out when KHT_SMTP_HOST is set, through the
outbox (kht.mail.outbox): only after that transaction commits, and a server that is down
leaves it queued for a later run; it never holds back the notifications.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from kht.actions.models import Action, Notification
from kht.actions.service import participants_of, record_url
from kht.auth.models import User
from kht.clock import zone_of
from kht.context import Ctx
from kht.mail import outbox
from kht.web.i18n import N_, translations

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
                link = record_url(action.kind, action.record_id)
                outbox.queue(
                    ctx,
                    user.email,
                    title,
                    f"{body}\n\n{link}\n",
                    kind="reminder",
                    record_id=action.id,
                )
    # Derived, not an edit: no version bump, so a form open on the action still saves.
    ctx.session.execute(
        update(Action)
        .where(Action.id.in_([a.id for a in due]))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    ctx.session.flush()
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


def run_reminders(runtime: Any) -> int:
    """The worker's and the CLI's entry point: one run in its own transaction, as the system,
    then the mail earlier runs could not hand over (this run's went after its commit)."""
    with runtime.ctx() as ctx:
        count = send_due_reminders(ctx, ctx.now())
        now = ctx.now()
    outbox.drain(runtime.engine, runtime.settings, now)
    return count
