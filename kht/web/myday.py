""" "My day" on the home page: the acting user's agenda, their deals closing this month, recent
customers and notifications, each read through the services' scoped queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kht import clock
from kht import record_service as records
from kht.actions import notifications
from kht.actions.service import agenda
from kht.context import Ctx
from kht.customers.models import Customer
from kht.customers.service import SPEC as CUSTOMERS
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.service import SPEC as OPPORTUNITIES

SHOWN = 10  # rows a section shows; the section links to its full page


@dataclass
class MyDay:
    """What the home page shows; a section the user's role may not see stays empty."""

    overdue: list[Any] = field(default_factory=list)
    today: list[Any] = field(default_factory=list)
    closing: list[Opportunity] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    notifications: list[Any] = field(default_factory=list)
    unread: int = 0
    month: tuple[date, date] | None = None
    names: dict[tuple[str, int], str] = field(default_factory=dict)


def user_month(ctx: Ctx) -> tuple[date, date]:
    """The first and last day of the acting user's current month, in their time zone."""
    first = clock.period_start("month", ctx.today())
    return first, clock.period_after("month", first) - timedelta(days=1)


def my_day(ctx: Ctx) -> MyDay:
    """The acting user's day: each section only when their role may view its module."""
    user = ctx.user
    day = MyDay(month=user_month(ctx))
    if user is None:
        return day
    if user.can("actions", "view"):
        buckets = agenda(ctx)
        day.overdue, day.today = buckets["overdue"], buckets["today"]
        day.names = _customer_names(ctx, [*day.overdue, *day.today])
    if user.can("opportunities", "view"):
        day.closing = _closing(ctx, *day.month)
    if user.can("customers", "view"):
        query = records.visible(ctx, CUSTOMERS).order_by(Customer.updated_at.desc())
        day.customers = list(ctx.session.scalars(query.limit(SHOWN)))
    day.notifications, _ = notifications.list_notifications(ctx, page_size=SHOWN)
    day.unread = notifications.unread_count(ctx)
    return day


def _closing(ctx: Ctx, first: date, last: date) -> list[Opportunity]:
    """The acting user's open opportunities expected to close between `first` and `last`."""
    query = (
        records.visible(ctx, OPPORTUNITIES)
        .where(
            Opportunity.owner_id == ctx.user_id,
            Opportunity.status == "open",
            Opportunity.expected_close >= first,
            Opportunity.expected_close <= last,
        )
        .order_by(Opportunity.expected_close, Opportunity.id)
    )
    return list(ctx.session.scalars(query.limit(SHOWN)))


def _customer_names(ctx: Ctx, actions: list[Any]) -> dict[tuple[str, int], str]:
    """Names of the customers the actions are about (only those in the user's scope)."""
    ids = {a.customer_id for a in actions if a.customer_id is not None}
    if not ids:
        return {}
    query = records.visible(ctx, CUSTOMERS).where(Customer.id.in_(ids))
    names = dict(ctx.session.execute(query.with_only_columns(Customer.id, Customer.name)).all())
    return {(a.kind, a.record_id): names[a.customer_id] for a in actions if a.customer_id in names}


__all__ = ["MyDay", "my_day", "user_month"]
