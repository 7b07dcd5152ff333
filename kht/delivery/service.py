"""Subscriptions to scheduled reports and dashboards: who may subscribe whom, and to what.

Anyone may subscribe themselves to a report they may open, or to their dashboard; mailing
another user or a whole role needs the right to create reports (managers, administrators).
What is mailed is always computed for each recipient (kht.delivery.run), never for the
subscriber, so subscribing a role to a report shows every member only their own scope.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from kht.auth.models import Role, User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.delivery.models import Subscription
from kht.delivery.schemas import SubscriptionIn, SubscriptionOut
from kht.errors import KhtError, NotAuthenticated, NotFound, ValidationError
from kht.records.schemas import out_of
from kht.reports import service as reports
from kht.web.i18n import N_, translations

# frequency -> the period a delivery covers (kht.clock periods)
FREQUENCIES = {"daily": "day", "weekly": "week", "monthly": "month"}
DASHBOARD = N_("My dashboard")
FREQUENCY_LABELS = {"daily": N_("Daily"), "weekly": N_("Weekly"), "monthly": N_("Monthly")}


def _me(ctx: Ctx) -> int:
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    return ctx.user.id


def _check_report(ctx: Ctx, key: str) -> None:
    try:
        item = reports.report_def(ctx, key)
    except KhtError as exc:
        raise ValidationError(f"unknown report {key!r} ({exc.message})", "report_key") from None
    if item.url:
        raise ValidationError(f"report {key!r} has a page of its own", "report_key")


def _check_recipient(ctx: Ctx, data: SubscriptionIn) -> None:
    if data.user_id is not None and data.role is not None:
        raise ValidationError("give a user_id or a role, not both", "role")
    if data.user_id in (None, ctx.user_id) and data.role is None:
        return
    require(ctx.user, "reports", "create")
    if data.user_id is not None:
        found = ctx.session.get(User, data.user_id)
        if found is None or not found.active:
            raise ValidationError(f"no active user {data.user_id}", "user_id")
    elif ctx.session.scalar(select(Role.id).where(Role.key == data.role)) is None:
        raise ValidationError(f"no role {data.role!r}", "role")


def title(ctx: Ctx, key: str) -> str:
    """What a subscription mails, in the reader's language."""
    if not key:
        return translations(ctx.language).gettext(DASHBOARD)
    item = reports.find_report(ctx, key)
    return item.title(ctx.language) if item else key


def _out(ctx: Ctx, row: Subscription) -> SubscriptionOut:
    return out_of(SubscriptionOut, row, title=title(ctx, row.report_key), role=row.role_key)


def subscribe(ctx: Ctx, data: SubscriptionIn) -> SubscriptionOut:
    """Subscribe the caller, a user or a role to a report or dashboard (see the module)."""
    me = _me(ctx)
    if data.frequency not in FREQUENCIES:
        raise ValidationError("frequency must be daily, weekly or monthly", "frequency")
    if data.report_key:
        _check_report(ctx, data.report_key)
    _check_recipient(ctx, data)
    row = Subscription(
        report_key=data.report_key,
        frequency=data.frequency,
        user_id=data.user_id if data.user_id is not None or data.role else me,
        role_key=data.role,
        created_by_id=me,
        created_at=ctx.now(),
    )
    ctx.session.add(row)
    ctx.session.flush()
    return _out(ctx, row)


def _visible(ctx: Ctx) -> list[Subscription]:
    me = _me(ctx)
    query = select(Subscription).order_by(Subscription.id)
    if not ctx.user.can("users", "admin"):
        mine = or_(Subscription.user_id == me, Subscription.created_by_id == me)
        query = query.where(mine)
    return list(ctx.session.scalars(query))


def subscriptions(ctx: Ctx) -> list[SubscriptionOut]:
    """The subscriptions the caller receives or set up (administrators: all)."""
    return [_out(ctx, row) for row in _visible(ctx)]


def unsubscribe(ctx: Ctx, subscription_id: int) -> None:
    """End a subscription the caller receives or set up (administrators: any)."""
    row = next((r for r in _visible(ctx) if r.id == subscription_id), None)
    if row is None:
        raise NotFound(f"subscription {subscription_id} not found", "id")
    ctx.session.delete(row)
    ctx.session.flush()


__all__ = ["FREQUENCIES", "FREQUENCY_LABELS", "subscribe", "subscriptions", "title", "unsubscribe"]
