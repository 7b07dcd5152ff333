"""Notifications under the bell: each user sees and marks only their own."""

from __future__ import annotations

from sqlalchemy import func, select, update

from kht.actions.models import Notification
from kht.context import Ctx
from kht.errors import NotAuthenticated, NotFound


def _me(ctx: Ctx) -> int:
    if ctx.user_id is None:
        raise NotAuthenticated("log in first")
    return ctx.user_id


def unread_count(ctx: Ctx) -> int:
    """How many of the acting user's notifications are unread."""
    query = select(func.count()).where(
        Notification.user_id == _me(ctx), Notification.read_at.is_(None)
    )
    return ctx.session.scalar(query) or 0


def list_notifications(
    ctx: Ctx, *, page: int = 1, page_size: int = 50, unread: bool = False
) -> tuple[list[Notification], int]:
    """The acting user's notifications, newest first, one page (and the total)."""
    query = select(Notification).where(Notification.user_id == _me(ctx))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return list(rows), total


def mark_read(ctx: Ctx, notification_id: int) -> Notification:
    """Mark one of the acting user's notifications read (someone else's: 404)."""
    found = ctx.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == _me(ctx)
        )
    )
    if found is None:
        raise NotFound(f"notification {notification_id} not found")
    if found.read_at is None:
        found.read_at = ctx.now()
        ctx.session.flush()
    return found


def mark_all_read(ctx: Ctx) -> int:
    """Mark every unread notification of the acting user read; how many were."""
    result = ctx.session.execute(
        update(Notification)
        .where(Notification.user_id == _me(ctx), Notification.read_at.is_(None))
        .values(read_at=ctx.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
