"""Rep performance: per rep and period, leads handled, actions by type, quotes sent and their
win rate, revenue against quota, deals won and the average sales cycle.

Every figure comes from a scoped public service (leads, actions, quotes, orders,
opportunities, quotas), and only the reps the reader may see appear at all: the users whose
opportunities they may see (a rep: themself; a manager: their department tree), optionally
narrowed to one department and its sub-departments.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec
from sqlalchemy import func, select

from kht.actions.service import reachable
from kht.leads.service import filtered as leads_in_scope
from kht.plugin_api import Ctx, Forbidden, ValidationError
from kht.sales.opportunities.service import owners_in_scope, won_between
from kht.sales.orders.service import filtered as orders_in_scope
from kht.sales.quotas.service import quota_amounts
from kht.sales.quotes.service import filtered as quotes_in_scope

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# Quotes the customer has seen: the denominator of the win rate.
SEEN = ("sent", "accepted", "rejected", "expired")
MAX_DAYS = 3660
PERIODS = ("month", "quarter", "year")


class RepPerformance(msgspec.Struct, kw_only=True):
    """One rep over the period. A figure the reader may not see (their role has no view right
    on its module) is None.

    - `leads`: leads owned by the rep created in the period;
    - `actions`: done actions the rep owns, done in the period, by type (`actions_total`);
    - `quotes_sent`: latest quote revisions sent in the period (still sent, accepted,
      rejected or expired); `quotes_accepted` of those; `win_rate` = accepted / sent in %;
    - `revenue`: the total of the rep's orders dated in the period, cancelled ones left out;
    - `quota`: the rep's quota for the period (see `quota_for`), None without one;
      `attainment` = revenue / quota in %;
    - `won`, `won_amount`: opportunities won in the period; `average_cycle_days`: their
      average time from opening to winning, in days.
    """

    user_id: int
    name: str
    active: bool
    leads: int | None
    actions: dict[str, int] | None
    actions_total: int | None
    quotes_sent: int | None
    quotes_accepted: int | None
    win_rate: Decimal | None
    revenue: Decimal | None
    quota: Decimal | None
    attainment: Decimal | None
    won: int | None
    won_amount: Decimal | None
    average_cycle_days: Decimal | None


class Performance(msgspec.Struct, kw_only=True):
    """The report: the period (both days included, in the reader's time zone), the department
    filter and one row per rep, by name."""

    start: date
    end: date
    department_id: int | None
    reps: list[RepPerformance]


# ---- periods -------------------------------------------------------------------------------


def parse_day(text: str | None, field: str) -> date:
    """A YYYY-MM-DD day; anything else is a 422 naming `field`."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationError(f"{field} must be a date as YYYY-MM-DD", field) from None


def check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationError("end is before start", "end")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(f"at most {MAX_DAYS} days at a time", "end")


def period_range(period: str, day: date) -> tuple[date, date]:
    """The first and last day of the month, quarter or year that contains `day`."""
    if period not in PERIODS:
        raise ValidationError(f"period must be one of: {', '.join(PERIODS)}", "period")
    if period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    first_month = day.month if period == "month" else (day.month - 1) // 3 * 3 + 1
    first = date(day.year, first_month, 1)
    return first, _add_months(first, 1 if period == "month" else 3) - timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def blocks(start: date, end: date) -> list[tuple[str, date, Decimal]]:
    """The range split into the largest whole years, quarters and months it covers, from the
    start: (period, first day, share). A partial month at either end is ("month", its first
    day, the share of its days the range covers)."""
    out: list[tuple[str, date, Decimal]] = []
    day = start
    while day <= end:
        whole = [
            period
            for period in PERIODS[::-1]
            if period_range(period, day)[0] == day and period_range(period, day)[1] <= end
        ]
        if whole:
            out.append((whole[0], day, Decimal(1)))
            day = period_range(whole[0], day)[1] + timedelta(days=1)
            continue
        last = min(_month_end(day), end)
        days_in_month = _month_end(day).day
        share = Decimal((last - day).days + 1) / days_in_month
        out.append(("month", day.replace(day=1), share))
        day = last + timedelta(days=1)
    return out


def quota_for(ctx: Ctx, start: date, end: date) -> dict[int, Decimal]:
    """Each visible user's quota for the range: the sum of their quotas of the whole years,
    quarters and months it covers (a year without a yearly quota adds up its quarters and
    months, as the quota service does); a partial month counts its monthly quota pro rata by
    days. Users without any quota in the range are left out."""
    found: dict[int, Decimal] = defaultdict(Decimal)
    for period, first, share in blocks(start, end):
        for (target, target_id), amount in quota_amounts(ctx, period, first).items():
            if target == "user":
                found[target_id] += Decimal(amount) * share
    return {user_id: amount.quantize(CENT, ROUND_HALF_UP) for user_id, amount in found.items()}


def bounds(ctx: Ctx, start: date, end: date) -> tuple[datetime, datetime]:
    """[midnight of start, midnight after end) in the reader's time zone, as UTC."""
    return ctx.day_start(start), ctx.day_start(end + timedelta(days=1))


# ---- the figures -------------------------------------------------------------------------------


def _or_none(build: Any) -> Any:
    """A figure of a module the reader may not view is None, not a 403 for the whole page."""
    try:
        return build()
    except Forbidden:
        return None


def _leads(ctx: Ctx, ids: set[int], low: datetime, high: datetime) -> dict[int, int]:
    leads = leads_in_scope(ctx).subquery()
    query = (
        select(leads.c.owner_id, func.count())
        .where(leads.c.owner_id.in_(ids), leads.c.created_at >= low, leads.c.created_at < high)
        .group_by(leads.c.owner_id)
    )
    return {owner: int(count) for owner, count in ctx.session.execute(query)}


def _actions(ctx: Ctx, ids: set[int], low: datetime, high: datetime) -> dict[int, dict[str, int]]:
    actions = reachable(ctx).subquery()
    query = (
        select(actions.c.owner_id, actions.c.type, func.count())
        .where(
            actions.c.owner_id.in_(ids),
            actions.c.status == "done",
            actions.c.done_at >= low,
            actions.c.done_at < high,
        )
        .group_by(actions.c.owner_id, actions.c.type)
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for owner, type_, count in ctx.session.execute(query):
        out[owner][type_] = int(count)
    return {owner: dict(sorted(counts.items())) for owner, counts in out.items()}


def _quotes(ctx: Ctx, ids: set[int], low: datetime, high: datetime) -> dict[int, tuple[int, int]]:
    quotes = quotes_in_scope(ctx).subquery()
    query = select(quotes.c.owner_id, quotes.c.status).where(
        quotes.c.owner_id.in_(ids),
        quotes.c.status.in_(SEEN),
        quotes.c.sent_at >= low,
        quotes.c.sent_at < high,
    )
    out: dict[int, tuple[int, int]] = {}
    for owner, status in ctx.session.execute(query):
        sent, accepted = out.get(owner, (0, 0))
        out[owner] = (sent + 1, accepted + (status == "accepted"))
    return out


def _revenue(ctx: Ctx, ids: set[int], start: date, end: date) -> dict[int, Decimal]:
    orders = orders_in_scope(ctx).subquery()
    query = select(orders.c.owner_id, orders.c.total).where(
        orders.c.owner_id.in_(ids),
        orders.c.status != "cancelled",
        orders.c.order_date >= start,
        orders.c.order_date <= end,
    )
    out: dict[int, Decimal] = defaultdict(Decimal)
    for owner, total in ctx.session.execute(query):  # summed here: exact cents on SQLite too
        out[owner] += Decimal(str(total))
    return dict(out)


def _won(
    ctx: Ctx, ids: set[int], low: datetime, high: datetime
) -> dict[int, tuple[int, Decimal, Decimal]]:
    """owner -> (deals won, their amount, average cycle in days to 0.1)."""
    deals: dict[int, list[Any]] = defaultdict(list)
    for deal in won_between(ctx, low, high):
        if deal.owner_id in ids:
            deals[deal.owner_id].append(deal)
    return {
        owner: (
            len(won),
            sum((deal.amount for deal in won), Decimal(0)),
            (sum((deal.cycle_days for deal in won), Decimal(0)) / len(won)).quantize(
                TENTH, ROUND_HALF_UP
            ),
        )
        for owner, won in deals.items()
    }


def _percent(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def rep_performance(
    ctx: Ctx, start: date, end: date, department_id: int | None = None
) -> Performance:
    """The performance of every rep the reader may see from `start` to `end` (both days
    included, in the reader's time zone). A rep appears while active, or, once
    deactivated, when they have a figure in the period."""
    check_range(start, end)
    people = owners_in_scope(ctx, department_id)
    ids = {user_id for user_id, _, _ in people}
    low, high = bounds(ctx, start, end)
    leads = _or_none(lambda: _leads(ctx, ids, low, high))
    actions = _or_none(lambda: _actions(ctx, ids, low, high))
    quotes = _or_none(lambda: _quotes(ctx, ids, low, high))
    revenue = _or_none(lambda: _revenue(ctx, ids, start, end))
    won = _or_none(lambda: _won(ctx, ids, low, high))
    quotas = quota_for(ctx, start, end)
    rows = []
    for user_id, name, active in people:
        sent, accepted = quotes.get(user_id, (0, 0)) if quotes is not None else (None, None)
        by_type = actions.get(user_id, {}) if actions is not None else None
        income = revenue.get(user_id, Decimal(0)).quantize(CENT) if revenue is not None else None
        deals, amount, cycle = (
            won.get(user_id, (0, Decimal(0), None)) if won is not None else (None, None, None)
        )
        quota = quotas.get(user_id)
        row = RepPerformance(
            user_id=user_id,
            name=name,
            active=active,
            leads=leads.get(user_id, 0) if leads is not None else None,
            actions=by_type,
            actions_total=sum(by_type.values()) if by_type is not None else None,
            quotes_sent=sent,
            quotes_accepted=accepted,
            win_rate=_percent(accepted or 0, sent),
            revenue=income,
            quota=quota,
            attainment=_percent(income, quota) if income is not None else None,
            won=deals,
            won_amount=amount.quantize(CENT) if amount is not None else None,
            average_cycle_days=cycle,
        )
        busy = any((row.leads, row.actions_total, row.quotes_sent, row.revenue, row.won, quota))
        if active or busy:
            rows.append(row)
    return Performance(start=start, end=end, department_id=department_id, reps=rows)
