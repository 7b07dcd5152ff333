"""The payment forecast (回款预测): receivables expected by month, from the orders' payment
plans minus what has been received.

Payments received on an order settle its plans oldest first, so what is left of each plan
is what is still expected in the month it falls due; plans due before the first month and
still unpaid are `overdue`. Only live, not cancelled orders in the user's scope on `orders`
count. The orders module's `expected_payments(ctx, start, end)` does the month-by-month work
when it is there; otherwise (an older orders module) the tables are read here the same way.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.context import Ctx
from kht.errors import ValidationError
from kht.record_service import shared_of
from kht.sales.analysis import common
from kht.sales.analysis.schemas import PaymentForecast, PaymentMonth
from kht.sales.orders.models import Order, Payment, PaymentPlan
from kht.sales.orders.service import SPEC as ORDERS
from kht.sales.quotas import periods

MODULE = "orders"
ZERO = Decimal("0")
MAX_MONTHS = 36


def payment_forecast(ctx: Ctx, start: date | None = None, months: int = 6) -> PaymentForecast:
    """Planned, received and still expected amounts for `months` months from `start` (the
    first day of a month; default: this month)."""
    require(ctx.user, MODULE, "view")
    start = periods.check_start("month", start or periods.period_of("month", ctx.today()), "start")
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationError(f"months must be between 1 and {MAX_MONTHS}", "months")
    end = periods.add_months(start, months)
    try:
        from kht.sales.orders.service import expected_payments
    except ImportError:
        return _own_forecast(ctx, start, months, end)
    return _from_orders(ctx, expected_payments, start, months, end)


def _from_orders(
    ctx: Ctx, expected_payments: Any, start: date, months: int, end: date
) -> PaymentForecast:
    last = end - timedelta(days=1)
    out = [
        PaymentMonth(
            month=periods.parse_date(f"{m.month}-01", "month"),
            label=m.month,
            planned=common.money(m.planned),
            received=common.money(m.received),
            expected=common.money(m.outstanding),
        )
        for m in expected_payments(ctx, start, last)
    ]
    overdue = ZERO
    earliest = ctx.session.scalar(select(func.min(PaymentPlan.due_date)))
    if earliest is not None and earliest < start:
        before = expected_payments(ctx, earliest, start - timedelta(days=1))
        overdue = sum((m.outstanding for m in before), ZERO)
    return PaymentForecast(
        start=start,
        months=out,
        overdue=common.money(overdue),
        expected_total=common.money(sum((m.expected for m in out), ZERO)),
    )


def _own_forecast(ctx: Ctx, start: date, months: int, end: date) -> PaymentForecast:
    sums = common.Sums(ctx)
    orders = select(Order.id).where(
        Order.deleted_at.is_(None),
        Order.status != "cancelled",
        owned_by_visible(ctx.user, Order.owner_id, MODULE, shared=shared_of(ORDERS)),
    )
    paid = {
        row.order_id: sums.value(row.total)
        for row in ctx.session.execute(
            select(Payment.order_id, func.sum(sums.cents(Payment.amount)).label("total"))
            .where(Payment.order_id.in_(orders))
            .group_by(Payment.order_id)
        )
    }
    planned: dict[date, Decimal] = defaultdict(lambda: ZERO)
    expected: dict[date, Decimal] = defaultdict(lambda: ZERO)
    overdue = ZERO
    plans = ctx.session.execute(
        select(PaymentPlan.order_id, PaymentPlan.due_date, PaymentPlan.amount)
        .where(PaymentPlan.order_id.in_(orders), PaymentPlan.due_date < end)
        .order_by(PaymentPlan.order_id, PaymentPlan.due_date, PaymentPlan.id)
    )
    for plan in plans:
        amount = common.money(Decimal(str(plan.amount)))
        settled = min(paid.get(plan.order_id, ZERO), amount)
        paid[plan.order_id] = paid.get(plan.order_id, ZERO) - settled
        left = amount - settled
        if plan.due_date < start:
            overdue += left
            continue
        month = periods.period_of("month", plan.due_date)
        planned[month] += amount
        expected[month] += left
    received: dict[date, Decimal] = defaultdict(lambda: ZERO)
    rows = ctx.session.execute(
        select(Payment.received_on, func.sum(sums.cents(Payment.amount)).label("total"))
        .where(
            Payment.order_id.in_(orders), Payment.received_on >= start, Payment.received_on < end
        )
        .group_by(Payment.received_on)
    )
    for row in rows:
        received[periods.period_of("month", row.received_on)] += sums.value(row.total)
    out = []
    for offset in range(months):
        month = periods.add_months(start, offset)
        out.append(
            PaymentMonth(
                month=month,
                label=periods.label("month", month),
                planned=common.money(planned[month]),
                received=common.money(received[month]),
                expected=common.money(expected[month]),
            )
        )
    return PaymentForecast(
        start=start,
        months=out,
        overdue=common.money(overdue),
        expected_total=common.money(sum((m.expected for m in out), ZERO)),
    )
