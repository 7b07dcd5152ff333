"""Contribution and ABC (Pareto) classification: the nightly recalculation.

Revenue is what a customer's live orders (not cancelled) and its consumption rows bring in;
margin is counted only where a cost is known (consumption with a cost). Figures are taken
over the rolling window (settings.window_days up to the user's today), the window before it
(growth), and the last two 91-day quarters (the churn rule). Each run replaces the
contribution table with set-based SQL, one statement per step over every customer and
group, never a Python loop per customer; then key accounts take their group's (or, for an
account that is no group, their own) figures and class, and a change of class is kept as
history and announced (RecordUpdated of `abc_class`, which care rules can start from).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    null,
    select,
    union_all,
    update,
)

from kht.customers.service import SPEC as CUSTOMERS
from kht.plugin_api import Ctx, RecordUpdated, customer_group_of
from kht.sales.orders.service import revenue_rows
from plugins.key_account.models import Account, ClassChange, Consumption, Contribution
from plugins.key_account.service import ACCOUNT_KIND, settings

QUARTER_DAYS = 91
LEVELS = ("customer", "group")


class Windows:
    """The date ranges of one run, each inclusive: window, the one before, two quarters."""

    def __init__(self, today: date, days: int) -> None:
        self.today = today
        self.start = today - timedelta(days=days - 1)
        self.previous_start = self.start - timedelta(days=days)
        self.quarter_start = today - timedelta(days=QUARTER_DAYS - 1)
        self.previous_quarter_start = self.quarter_start - timedelta(days=QUARTER_DAYS)
        self.earliest = min(self.previous_start, self.previous_quarter_start)


def _facts(w: Windows) -> Any:
    """(customer_id, day, amount, cost) of every order and consumption row that may count."""
    orders = revenue_rows().subquery()
    from_orders = select(
        orders.c.customer_id,
        orders.c.day,
        orders.c.amount,
        cast(null(), Consumption.cost.type).label("cost"),
    ).where(orders.c.day >= w.earliest, orders.c.day <= w.today)
    c = Consumption
    from_consumption = select(
        c.customer_id, c.month.label("day"), c.amount, c.cost.label("cost")
    ).where(c.deleted_at.is_(None), c.month >= w.earliest.replace(day=1), c.month <= w.today)
    return union_all(from_orders, from_consumption).subquery("facts")


def _between(facts: Any, start: date, end: date, value: Any) -> Any:
    inside = and_(facts.c.day >= start, facts.c.day <= end)
    return func.coalesce(func.sum(case((inside, value), else_=0)), 0)


def _figures(facts: Any, w: Windows) -> list[Any]:
    """The aggregated columns of the contribution table, in its insert order."""
    day_before = w.start - timedelta(days=1)
    quarter_before = w.quarter_start - timedelta(days=1)
    in_window = and_(facts.c.day >= w.start, facts.c.cost.is_not(None))
    return [
        _between(facts, w.start, w.today, facts.c.amount),
        _between(facts, w.previous_start, day_before, facts.c.amount),
        func.sum(case((in_window, facts.c.amount - facts.c.cost), else_=None)),
        _between(facts, w.quarter_start, w.today, facts.c.amount),
        _between(facts, w.previous_quarter_start, quarter_before, facts.c.amount),
    ]


COLUMNS = [
    "level",
    "customer_id",
    "revenue",
    "previous_revenue",
    "margin",
    "quarter_revenue",
    "previous_quarter_revenue",
    "computed_on",
]


def refresh_contributions(ctx: Ctx, w: Windows) -> None:
    """Replace the contribution table: one row per customer with revenue in any window, and
    one per group (the customers of a hierarchy rolled up to its top)."""
    ctx.session.execute(delete(Contribution))
    facts = _facts(w)
    table = Contribution.__table__
    for level in LEVELS:
        key = facts.c.customer_id if level == "customer" else customer_group_of(facts.c.customer_id)
        rows = select(
            literal(level, String), key, *_figures(facts, w), literal(w.today, Date)
        ).group_by(key)
        ctx.session.execute(table.insert().from_select(COLUMNS, rows))


def class_case(ranked: Any, class_a_pct: int, class_b_pct: int) -> Any:
    """The ABC class of a ranked row (`revenue`, `running` total up to it, level `total`)."""
    before = (ranked.running - ranked.revenue) * 100
    return case(
        (ranked.revenue <= 0, "C"),
        (before < ranked.total * class_a_pct, "A"),
        (before < ranked.total * class_b_pct, "B"),
        else_="C",
    )


def figures_on(
    ctx: Ctx, day: date, customer_ids: list[int]
) -> dict[int, tuple[str, Decimal, Decimal]]:
    """(class, revenue, previous window's revenue) of `customer_ids` as the nightly run of
    `day` would have found them from the orders and consumption there are (read only: for
    the back-filled health history). A group's top takes its group's, as in the run."""
    options = settings(ctx)
    w = Windows(day, options.window_days)
    facts = _facts(w)
    found: dict[int, tuple[str, Decimal, Decimal]] = {}
    for level in LEVELS:  # "group" last: a group's top takes the group's figures
        key = facts.c.customer_id if level == "customer" else customer_group_of(facts.c.customer_id)
        rows = (
            select(
                key.label("customer_id"),
                _between(facts, w.start, w.today, facts.c.amount).label("revenue"),
                _between(
                    facts, w.previous_start, w.start - timedelta(days=1), facts.c.amount
                ).label("previous"),
            )
            .group_by(key)
            .subquery()
        )
        order = (rows.c.revenue.desc(), rows.c.customer_id)
        ranked = select(
            rows.c.customer_id,
            rows.c.revenue,
            rows.c.previous,
            func.sum(rows.c.revenue).over(order_by=order, rows=(None, 0)).label("running"),
            func.sum(rows.c.revenue).over().label("total"),
        ).subquery()
        abc = class_case(ranked.c, options.class_a_pct, options.class_b_pct)
        query = select(ranked.c.customer_id, abc, ranked.c.revenue, ranked.c.previous).where(
            ranked.c.customer_id.in_(customer_ids)
        )
        for row in ctx.session.execute(query):
            found[row[0]] = (row[1], Decimal(row[2]), Decimal(row[3]))
    return found


def classify(ctx: Ctx, class_a_pct: int, class_b_pct: int) -> None:
    """Rank each level by revenue and class it: A while the bigger accounts before it make
    less than `class_a_pct` of the total (so the account crossing the line is A), then B up
    to `class_b_pct`, the rest (and every account without revenue) C."""
    c = Contribution
    order = (c.revenue.desc(), c.customer_id)
    running = func.sum(c.revenue).over(partition_by=c.level, order_by=order, rows=(None, 0))
    ranked = select(
        c.id.label("id"),
        c.revenue.label("revenue"),
        func.row_number().over(partition_by=c.level, order_by=order).label("rank"),
        running.label("running"),
        func.sum(c.revenue).over(partition_by=c.level).label("total"),
    ).subquery()
    abc = class_case(ranked.c, class_a_pct, class_b_pct)
    share = case((ranked.c.total > 0, ranked.c.running * 100 / ranked.c.total), else_=0)
    ctx.session.execute(
        update(c)
        .where(c.id == ranked.c.id)
        .values(rank=ranked.c.rank, abc_class=abc, cumulative_pct=share)
        .execution_options(synchronize_session=False)
    )


def _new_accounts(ctx: Ctx, today: date) -> int:
    """Every group (or customer outside a hierarchy) of class A without a key account gets
    one, owned by the customer's owner: the key-account manager."""
    customer = CUSTOMERS.model
    c = Contribution
    rows = (
        select(
            c.customer_id,
            customer.owner_id,
            literal(False),
            literal(""),
            literal(""),
            literal(0),
            literal(0),
            literal(0),
            literal(0),
            literal(1),
            literal({}, Account.ext.type),
            literal(ctx.now(), Account.created_at.type),
            literal(ctx.now(), Account.updated_at.type),
        )
        .join(customer, customer.id == c.customer_id)
        .where(
            c.level == "group",
            c.abc_class == "A",
            customer.deleted_at.is_(None),
            ~select(Account.id).where(Account.customer_id == c.customer_id).exists(),
        )
    )
    names = [
        "customer_id",
        "owner_id",
        "flagged",
        "flag_reason",
        "abc_class",
        "revenue",
        "previous_revenue",
        "quarter_revenue",
        "previous_quarter_revenue",
        "version",
        "ext",
        "created_at",
        "updated_at",
    ]
    result = ctx.session.execute(Account.__table__.insert().from_select(names, rows))
    return result.rowcount or 0


def _copy_figures(ctx: Ctx, today: date) -> None:
    """Accounts take their customer's figures, then (if it heads a group) the group's."""
    a, c = Account, Contribution
    ctx.session.execute(
        update(a)
        .where(a.deleted_at.is_(None))
        .values(revenue=0, previous_revenue=0, margin=None, quarter_revenue=0)
        .values(previous_quarter_revenue=0, computed_on=today)
        .execution_options(synchronize_session=False)
    )
    for level in LEVELS:
        ctx.session.execute(
            update(a)
            .where(a.customer_id == c.customer_id, c.level == level, a.deleted_at.is_(None))
            .values(
                revenue=c.revenue,
                previous_revenue=c.previous_revenue,
                margin=c.margin,
                quarter_revenue=c.quarter_revenue,
                previous_quarter_revenue=c.previous_quarter_revenue,
            )
            .execution_options(synchronize_session=False)
        )


def _class_of(a: Any) -> Any:
    """An account's class now: its group's if it heads one, else its own; C without any."""
    c = Contribution
    level = case((c.level == "group", 0), else_=1)
    found = (
        select(c.abc_class)
        .where(c.customer_id == a.customer_id)
        .order_by(level)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(found, "C")


def _reclass(ctx: Ctx, today: date) -> list[tuple[int, str, str]]:
    """Keep each changed class as history, set it, and return (account, old, new)."""
    a = Account
    changed = (
        select(a.id, a.abc_class, _class_of(a))
        .where(a.deleted_at.is_(None), a.abc_class != _class_of(a))
        .order_by(a.id)
    )
    found = [(row[0], row[1], row[2]) for row in ctx.session.execute(changed)]
    if not found:
        return []
    ctx.session.execute(
        ClassChange.__table__.insert(),
        [
            {"account_id": i, "from_class": old, "to_class": new, "changed_on": today}
            for i, old, new in found
        ],
    )
    ctx.session.execute(
        update(a)
        .where(a.id.in_([i for i, _, _ in found]))
        .values(abc_class=_class_of(a), class_since=today)
        .execution_options(synchronize_session=False)
    )
    return found


def recalculate(ctx: Ctx) -> dict[str, int]:
    """The whole run for the acting user's today: contributions, classes, new key accounts,
    their figures and class changes (announced as RecordUpdated of `abc_class`)."""
    options = settings(ctx)
    w = Windows(ctx.today(), options.window_days)
    refresh_contributions(ctx, w)
    classify(ctx, options.class_a_pct, options.class_b_pct)
    created = _new_accounts(ctx, w.today)
    _copy_figures(ctx, w.today)
    changes = _reclass(ctx, w.today)
    ctx.session.expire_all()
    for account_id, old, new in changes:
        ctx.fire(
            RecordUpdated(
                kind=ACCOUNT_KIND,
                record_id=account_id,
                user_id=ctx.user_id,
                changes={"abc_class": [old, new]},
            )
        )
    rows = ctx.session.scalar(select(func.count()).select_from(Contribution)) or 0
    return {"contributions": rows, "new_accounts": created, "class_changes": len(changes)}
