"""The pack's report pages that are no GROUP BY: the Pareto curve, plan attainment, team
activity by account and health movers. Each reads through the reader's scope: the ranks
and cumulative shares are the company's (the nightly run's), but a reader sees only the
rows of customers, accounts and plans in their scope."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import select

from kht.actions.service import reachable
from kht.customers.service import scoped_query
from kht.plugin_api import Ctx, ValidationError, customers_below, visible
from plugins.key_account.models import Account, Contribution, HealthPoint, Plan
from plugins.key_account.plans import PLANS, objectives_of, progress
from plugins.key_account.service import ACCOUNTS

LEVELS = ("group", "customer")
MAX_ROWS = 500


class ParetoRow(msgspec.Struct, kw_only=True):
    rank: int
    customer_id: int
    name: str
    revenue: str
    cumulative_pct: str
    abc_class: str


def pareto(ctx: Ctx, level: str = "group", limit: int = 100) -> list[ParetoRow]:
    """The contribution ranking of groups (or customers) in the reader's scope, biggest
    first, with the company-wide cumulative share: the 20/80 curve."""
    if level not in LEVELS:
        raise ValidationError("level is group or customer", "level")
    if not 1 <= limit <= MAX_ROWS:
        raise ValidationError(f"show 1 to {MAX_ROWS} rows", "limit")
    customers = scoped_query(ctx).subquery()
    c = Contribution
    query = (
        select(c.rank, c.customer_id, customers.c.name, c.revenue, c.cumulative_pct, c.abc_class)
        .join(customers, customers.c.id == c.customer_id)
        .where(c.level == level)
        .order_by(c.rank)
        .limit(limit)
    )
    return [
        ParetoRow(
            rank=row.rank,
            customer_id=row.customer_id,
            name=row.name,
            revenue=f"{row.revenue:.2f}",
            cumulative_pct=f"{row.cumulative_pct:.2f}",
            abc_class=row.abc_class,
        )
        for row in ctx.session.execute(query)
    ]


def attainment(ctx: Ctx) -> list[dict[str, Any]]:
    """Every active or closed plan in scope with its objectives and progress."""
    query = visible(ctx, PLANS).where(Plan.status != "draft").order_by(Plan.period_end.desc())
    rows = []
    for plan in ctx.session.scalars(query.limit(MAX_ROWS)):
        rows.append(
            {
                "plan": plan,
                "objectives": objectives_of(ctx, plan.id),
                "progress": progress(ctx, plan.id),
            }
        )
    return rows


def team_activity(ctx: Ctx, days: int = 90) -> list[dict[str, Any]]:
    """Per key account in scope, the actions (in the reader's scope) of each person on the
    account and every company below it over the last `days`."""
    if not 1 <= days <= 3660:
        raise ValidationError("look back 1 to 3660 days", "days")
    since = ctx.day_start(ctx.today() - timedelta(days=days))
    base = reachable(ctx)
    action = base.column_descriptions[0]["entity"]
    found = []
    for account in ctx.session.scalars(
        visible(ctx, ACCOUNTS).order_by(Account.revenue.desc()).limit(100)
    ):
        query = base.where(
            action.customer_id.in_(customers_below(account.customer_id)), action.created_at >= since
        ).with_only_columns(action.owner_id)
        counts = Counter(ctx.session.scalars(query))
        found.append(
            {"account": account, "by_owner": counts.most_common(), "total": sum(counts.values())}
        )
    return found


def movers(ctx: Ctx, days: int = 30) -> list[dict[str, Any]]:
    """Key accounts in scope whose health moved over the last `days`, biggest move first."""
    if not 1 <= days <= 366:
        raise ValidationError("compare 1 to 366 days back", "days")
    then_day = ctx.today() - timedelta(days=days)
    then = (
        select(HealthPoint.score)
        .where(HealthPoint.account_id == Account.id, HealthPoint.day <= then_day)
        .order_by(HealthPoint.day.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = visible(ctx, ACCOUNTS).add_columns(then).where(Account.health.is_not(None))
    rows = [
        {
            "account": account,
            "then": before,
            "now": account.health,
            "change": account.health - before,
        }
        for account, before in ctx.session.execute(query)
        if before is not None and before != account.health
    ]
    return sorted(rows, key=lambda r: -abs(r["change"]))[:MAX_ROWS]
