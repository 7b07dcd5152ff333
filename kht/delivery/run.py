"""The worker's side of scheduled delivery: every subscription's recipients get their mail
once per period, rendered as themselves.

For each active subscription and each recipient (its user, or every active user of its
role) the period is the recipient's day, week or month (their today, kht.clock), due from
SEND_FROM on their clock. A reading transaction renders the mail acting as the recipient
(their scope, language and time zone); then one short transaction per recipient records the
delivery (unique per subscription, recipient and period) and queues the mail in the outbox
(sent after the commit). A second worker running at the same time trips over the unique key
and rolls back, mail included: each period is delivered exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kht import clock
from kht.auth.models import Role, User
from kht.auth.principal import load_principal
from kht.context import Ctx
from kht.db.engine import read_only
from kht.delivery.models import Delivery, Subscription
from kht.delivery.render import Rendered, render
from kht.delivery.service import FREQUENCIES
from kht.errors import KhtError
from kht.mail import outbox

log = logging.getLogger("kht.delivery")
SEND_FROM = time(7, 0)  # a day's, week's or month's mail goes out from 07:00 on their clock


def recipients(ctx: Ctx) -> list[tuple[int, int]]:
    """(subscription id, user id) of every active subscription's active recipients."""
    subs = list(ctx.session.scalars(select(Subscription).where(Subscription.active)))
    roles = {s.role_key for s in subs if s.role_key}
    members: dict[str, list[int]] = {}
    if roles:
        query = (
            select(Role.key, User.id)
            .join(Role, Role.id == User.role_id)
            .where(Role.key.in_(roles), User.active)
        )
        for key, user_id in ctx.session.execute(query.order_by(User.id)):
            members.setdefault(key, []).append(user_id)
    pairs = []
    for sub in subs:
        users = members.get(sub.role_key, []) if sub.role_key else [sub.user_id]
        pairs += [(sub.id, user_id) for user_id in users if user_id is not None]
    return pairs


def _as_recipient(ctx: Ctx, user: User) -> None:
    ctx.user = load_principal(ctx.session, user.id)
    ctx.language = user.language or ctx.language


@dataclass
class _Due:
    """A delivery that is due: its period and the mail rendered (or why there is none)."""

    period: date
    mail: Rendered | None = None
    skipped: str = ""


def _done(ctx: Ctx, sub: Subscription, user: User, period: date) -> bool:
    done = select(Delivery.id).where(
        Delivery.subscription_id == sub.id,
        Delivery.user_id == user.id,
        Delivery.period == period.isoformat(),
    )
    return ctx.session.scalar(done) is not None


def _prepare(ctx: Ctx, sub: Subscription, user: User) -> _Due | str:
    """The mail of a due delivery rendered as the recipient, or 'early' / 'done'."""
    _as_recipient(ctx, user)
    local = ctx.local()
    if local.time() < SEND_FROM:
        return "early"
    period = clock.period_start(FREQUENCIES[sub.frequency], local.date())
    if _done(ctx, sub, user, period):
        return "done"
    if not user.email:
        return _Due(period, skipped="the recipient has no email address")
    try:
        return _Due(period, mail=render(ctx, sub.report_key, period))
    except KhtError as exc:  # the recipient may not open the report (any more)
        return _Due(period, skipped=exc.message[:200])


def _record(ctx: Ctx, sub: Subscription, user: User, due: _Due) -> str:
    """Record and queue one prepared delivery in ctx's transaction; what happened, in a word."""
    if _done(ctx, sub, user, due.period):
        return "done"
    row = Delivery(subscription_id=sub.id, user_id=user.id, period=due.period.isoformat())
    ctx.session.add(row)
    ctx.session.flush()  # a worker delivering the same period at once fails here
    if due.mail is None:
        row.status, row.note = "skipped", due.skipped
        return row.status
    mail = due.mail
    queued = outbox.queue(
        ctx,
        user.email,
        mail.subject,
        mail.text,
        html=mail.html,
        files=mail.files,
        kind="report_delivery",
        record_id=sub.id,
    )
    if queued is None:
        row.status, row.note = "skipped", "no mail server (KHT_SMTP_HOST)"
        return row.status
    ctx.session.flush()
    row.mail_id = queued.id
    return row.status


def _live(ctx: Ctx, subscription_id: int, user_id: int) -> tuple[Subscription, User] | None:
    sub = ctx.session.get(Subscription, subscription_id)
    user = ctx.session.get(User, user_id)
    if sub is None or user is None or not sub.active or not user.active:
        return None
    return sub, user


@contextmanager
def _reading(runtime: Any) -> Iterator[Ctx]:
    """A context that only reads: on SQLite it takes no write lock while a mail renders."""
    session = Session(read_only(runtime.engine), expire_on_commit=False)
    try:
        yield Ctx(session=session, settings=runtime.settings, plugins=runtime.plugins())
    finally:
        session.rollback()
        session.close()


def deliver(runtime: Any, subscription_id: int, user_id: int) -> str:
    """Deliver one subscription to one recipient if due; 'queued', 'skipped', 'done' (this
    period's is already out), 'early' (before SEND_FROM) or 'gone'.

    The mail (charts drawn, PDF laid out: seconds) is rendered in a transaction that only
    reads; the short one after it records the delivery and queues the mail, so a worker
    never holds the write lock while drawing."""
    with _reading(runtime) as ctx:
        found = _live(ctx, subscription_id, user_id)
        if found is None:
            return "gone"
        due = _prepare(ctx, *found)
    if isinstance(due, str):
        return due
    try:
        with runtime.ctx() as ctx:
            found = _live(ctx, subscription_id, user_id)
            return "gone" if found is None else _record(ctx, *found, due)
    except IntegrityError:
        return "done"  # another worker delivered this period first


def run_due(runtime: Any) -> int:
    """Deliver every subscription that is due (the worker, every few minutes); returns how
    many mails were queued."""
    with runtime.ctx() as ctx:
        pairs = recipients(ctx)
    queued = 0
    for subscription_id, user_id in pairs:
        try:
            outcome = deliver(runtime, subscription_id, user_id)
        except Exception:  # one broken delivery must not stop the others; retried next run
            log.exception("delivery of subscription %s to user %s failed", subscription_id, user_id)
            continue
        queued += outcome == "queued"
    return queued
