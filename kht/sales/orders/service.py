"""Order business rules: orders, their lines, the payment plan and received payments.

Orders are owned records (permission module `orders`): a rep sees their own, a manager the
department tree. An order is made by accepting a quote or entered directly; either way
`OrderPlaced` fires. Lines are priced like quote lines (kht.sales.quotes.pricing: per line,
half-up to the cent). The payment plan (expected payments) and the received payments may
each add up to at most the order's total; `paid_total` is the sum of the payments.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import Select, func, select

from kht import record_service as records
from kht.auth.permissions import require
from kht.context import Ctx
from kht.customers.hierarchy import customer_group_column
from kht.errors import Conflict, NotFound, ValidationError
from kht.events import OrderPlaced, RecordUpdated
from kht.fields import builtin
from kht.lists.engine import Column, Filter
from kht.plugin_types import RecordKind
from kht.records.schemas import out_of
from kht.sales.fields import col, shared, with_common_columns
from kht.sales.orders.models import STATUSES, Order, OrderLine, Payment, PaymentPlan
from kht.sales.orders.schemas import (
    MonthPayments,
    OrderCreate,
    OrderOut,
    OrderUpdate,
    PaymentIn,
    PaymentOut,
    PlanIn,
    PlanOut,
)
from kht.sales.quotes import lines as line_rules
from kht.sales.quotes.pricing import ZERO, check_money

KIND = "order"
MODULE = "orders"
NUMBER_LOCK = 7_510_002  # pg_advisory_xact_lock key for order numbers


def columns(ctx: Ctx) -> dict[str, Column]:
    """Every column an order list can show, filter and sort by (custom fields included)."""
    o = Order
    built_in = [
        col("number", "订单编号", "Number", "text", o.number, True),
        col("customer_id", "客户", "Customer", "ref", o.customer_id, True),
        col("status", "状态", "Status", "choice", o.status, True, choices=STATUSES),
        col("order_date", "下单日期", "Order date", "date", o.order_date, True),
        col("total", "合计", "Total", "number", o.total, True),
        col("discount_total", "折扣", "Discount", "number", o.discount_total),
        col("paid_total", "已回款", "Paid", "number", o.paid_total, True),
        col("currency", "币种", "Currency", "text", o.currency),
        col("owner_id", "负责人", "Owner", "ref", o.owner_id, True),
        col("quote_id", "报价", "Quote", "ref", o.quote_id),
        col("opportunity_id", "销售机会", "Opportunity", "ref", o.opportunity_id),
        # Revenue rolls up to the customer's group company.
        customer_group_column(o.customer_id),
    ]
    return with_common_columns(ctx, o, KIND, built_in)


# ---------------------------------------------------------------------------- reading


def filtered(
    ctx: Ctx, *, q: str = "", filters: list[Filter] | None = None, deleted: bool = False
) -> Select[tuple[Order]]:
    """Orders in scope matching `q` (number, notes) and the filters."""
    search = (Order.number, Order.notes)
    return records.searched(ctx, SPEC, q=q, search=search, filters=filters, deleted=deleted)


def get_order(ctx: Ctx, order_id: int, *, deleted: bool = False) -> Order:
    """One order in scope, or NotFound."""
    return records.get_record(ctx, SPEC, order_id, deleted=deleted)


def lines_of(ctx: Ctx, order_id: int) -> list[OrderLine]:
    """An order's lines in order."""
    return line_rules.stored_lines(ctx, OrderLine, OrderLine.order_id, order_id)


def plan_of(ctx: Ctx, order_id: int) -> list[PaymentPlan]:
    """The expected payments of an order, by due date."""
    query = select(PaymentPlan).where(PaymentPlan.order_id == order_id)
    return list(ctx.session.scalars(query.order_by(PaymentPlan.due_date, PaymentPlan.id)))


def payments_of(ctx: Ctx, order_id: int) -> list[Payment]:
    """The payments received for an order, by date."""
    query = select(Payment).where(Payment.order_id == order_id)
    return list(ctx.session.scalars(query.order_by(Payment.received_on, Payment.id)))


def planned_total(ctx: Ctx, order_id: int) -> Decimal:
    query = select(func.sum(PaymentPlan.amount)).where(PaymentPlan.order_id == order_id)
    return ctx.session.scalar(query) or ZERO


def orders_of(ctx: Ctx, *, customer_id: int | None = None, opportunity_id: int | None = None):
    """Orders in scope of one customer or one opportunity, newest first."""
    return line_rules.documents_of(
        ctx, filtered(ctx), Order.order_date, customer_id, opportunity_id
    )


# ---------------------------------------------------------------------------- placing


def _place(ctx: Ctx, values: dict[str, Any], rows: list[dict[str, Any]], owner_id: Any) -> Order:
    """Number, store and announce an order (RecordCreated, then OrderPlaced)."""
    line_rules.lock_numbers(ctx, NUMBER_LOCK)
    values["number"] = line_rules.next_number(ctx, Order.number, f"O{values['order_date'].year}-")
    values.update(line_rules.totals_values(line_rules.totals_of(rows)))
    values.setdefault("status", "open")
    order = records.create_record(ctx, SPEC, values, owner_id=owner_id)
    ctx.session.add_all(OrderLine(order_id=order.id, **row) for row in rows)
    ctx.session.flush()
    ctx.fire(
        OrderPlaced(
            kind=KIND,
            record_id=order.id,
            customer_id=order.customer_id,
            amount=str(order.total),
            user_id=ctx.user_id,
        )
    )
    return order


def create_order(ctx: Ctx, data: OrderCreate) -> Order:
    """An order entered directly for a visible customer (422 naming customer_id otherwise),
    owned by the acting user, numbered O<year>-<6 digits>; fires OrderPlaced."""
    require(ctx.user, MODULE, "create")
    values = records.changes_of(data)
    raw_lines = values.pop("lines")
    line_rules.visible_customer(ctx, data.customer_id)
    line_rules.check_contact(ctx, data.contact_id, data.customer_id)
    line_rules.check_opportunity(ctx, data.opportunity_id, data.customer_id)
    values["order_date"] = data.order_date or ctx.today()
    rows, _ = line_rules.priced_lines(ctx, data.customer_id, raw_lines, values["order_date"])
    return _place(ctx, values, rows, ...)


def order_from_quote(ctx: Ctx, quote: Any, quote_lines: list[Any]) -> Order:
    """The order an accepted quote becomes: same customer, contact, opportunity, currency,
    lines and totals; owned by the quote's owner; linked by `quote_id`."""
    require(ctx.user, MODULE, "create")
    values = {
        "customer_id": quote.customer_id,
        "contact_id": quote.contact_id,
        "opportunity_id": quote.opportunity_id,
        "quote_id": quote.id,
        "currency": quote.currency,
        "order_date": ctx.today(),
        "notes": quote.notes,
    }
    rows = [line_rules.line_values(line) for line in quote_lines]
    return _place(ctx, values, rows, quote.owner_id)


# ---------------------------------------------------------------------------- changing


def _fresh(order: Order, version: int | None) -> None:
    line_rules.fresh(order, version, "order")


def _touch(ctx: Ctx, order: Order, label: str, old: Any, new: Any) -> None:
    """Bump the order's version and audit a change of its lines, plan or payments."""
    order.updated_at = ctx.now()
    order.updated_by_id = ctx.user_id
    ctx.session.flush()
    ctx.fire(
        RecordUpdated(
            kind=KIND,
            record_id=order.id,
            user_id=ctx.user_id,
            changes=records.plain({label: [old, new]}),
        )
    )


def update_order(ctx: Ctx, order_id: int, data: OrderUpdate) -> Order:
    """Change an order: status (open, fulfilled, cancelled), date, notes, and while it is
    open its lines. The total may not drop below the plan or the payments (422 naming
    `lines`); a stale `version` is a 409."""
    require(ctx.user, MODULE, "edit")
    order = get_order(ctx, order_id)
    _fresh(order, data.version)
    changes = records.changes_of(data)
    raw_lines = line_rules.lines_to_replace(changes, bool(lines_of(ctx, order.id)))
    if "contact_id" in changes:
        line_rules.check_contact(ctx, changes["contact_id"], order.customer_id)
    summaries = ("", "")
    if raw_lines is not msgspec.UNSET:
        if order.status != "open":
            raise Conflict(f"order {order.number} is {order.status}: its lines are final", "lines")
        on = changes.get("order_date", order.order_date)
        rows, _ = line_rules.priced_lines(ctx, order.customer_id, raw_lines, on)
        totals = line_rules.totals_of(rows)
        floor = max(planned_total(ctx, order.id), order.paid_total)
        if totals.total < floor:
            raise ValidationError(
                f"the new total {totals.total} is below the planned or received payments ({floor})",
                "lines",
            )
        summaries = line_rules.replace_lines(ctx, order, rows, OrderLine, "order_id")
        changes.update(line_rules.totals_values(totals))
    return line_rules.save_document(ctx, SPEC, order, data.version, changes, summaries)


def delete_order(ctx: Ctx, order_id: int) -> None:
    """Move an order to the recycle bin."""
    records.delete_record(ctx, SPEC, get_order(ctx, order_id))


def _payable(ctx: Ctx, order_id: int) -> Order:
    require(ctx.user, MODULE, "edit")
    order = get_order(ctx, order_id)
    if order.status == "cancelled":
        raise Conflict(f"order {order.number} is cancelled", "status")
    return order


def _add_row(ctx: Ctx, order: Order, row: Any, so_far: Decimal, what: str) -> Any:
    """Store a plan row or payment of `order` whose amounts, with those `so_far`, may add
    up to at most the order's total (422 naming `amount`)."""
    row.amount = check_money(row.amount, "amount", positive=True)
    if so_far + row.amount > order.total:
        raise ValidationError(
            f"{what} would add up to {so_far + row.amount}, more than the order's "
            f"total {order.total}",
            "amount",
        )
    row.order_id = order.id
    row.created_by_id = row.updated_by_id = ctx.user_id
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _remove_row(ctx: Ctx, order: Order, model: Any, row_id: int, what: str) -> Any:
    """Delete a plan row or payment of `order` (404 when it is not one of the order's)."""
    row = ctx.session.get(model, row_id)
    if row is None or row.order_id != order.id:
        raise NotFound(f"{what} {row_id} not found")
    ctx.session.delete(row)
    ctx.session.flush()
    return row


def _repaid(ctx: Ctx, order: Order) -> None:
    """Store the sum of the order's payments as its `paid_total` (audited)."""
    with line_rules.service_write(ctx, KIND, order.id):
        records.update_record(ctx, SPEC, order, None, {"paid_total": _paid(ctx, order.id)})


def add_plan(ctx: Ctx, order_id: int, data: PlanIn) -> PaymentPlan:
    """Expect a payment on a date; the plan may add up to at most the order's total."""
    order = _payable(ctx, order_id)
    values = {"due_date": data.due_date, "amount": data.amount, "note": data.note.strip()}
    planned = planned_total(ctx, order.id)
    row = _add_row(ctx, order, PaymentPlan(**values), planned, "the payment plan")
    _touch(ctx, order, "payment_plan", None, f"{row.due_date} {row.amount}")
    return row


def remove_plan(ctx: Ctx, order_id: int, plan_id: int) -> None:
    """Drop an expected payment."""
    order = _payable(ctx, order_id)
    row = _remove_row(ctx, order, PaymentPlan, plan_id, "payment plan")
    _touch(ctx, order, "payment_plan", f"{row.due_date} {row.amount}", None)


def add_payment(ctx: Ctx, order_id: int, data: PaymentIn) -> Payment:
    """Record money received; payments may add up to at most the order's total (422)."""
    order = _payable(ctx, order_id)
    values = {
        "received_on": data.received_on,
        "amount": data.amount,
        "method": data.method.strip(),
        "reference": data.reference.strip(),
    }
    row = _add_row(ctx, order, Payment(**values), order.paid_total, "payments")
    _repaid(ctx, order)
    return row


def remove_payment(ctx: Ctx, order_id: int, payment_id: int) -> None:
    """Take back a payment recorded by mistake."""
    order = _payable(ctx, order_id)
    _remove_row(ctx, order, Payment, payment_id, "payment")
    _repaid(ctx, order)


def _paid(ctx: Ctx, order_id: int) -> Decimal:
    query = select(func.sum(Payment.amount)).where(Payment.order_id == order_id)
    return (ctx.session.scalar(query) or ZERO).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------- forecast


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def expected_payments(ctx: Ctx, start: date, end: date) -> list[MonthPayments]:
    """Per month from `start` to `end` (inclusive), over the orders in the user's scope
    (live, not cancelled): `planned` is the plan due that month, `received` the payments
    received that month, `outstanding` what of the plan due that month is still unpaid.

    Payments settle an order's plan oldest due date first, whenever they were received.
    """
    require(ctx.user, MODULE, "view")
    if end < start:
        raise ValidationError("end is before start", "end")
    orders = filtered(ctx).where(Order.status != "cancelled")
    order_ids = orders.with_only_columns(Order.id).scalar_subquery()
    paid = dict(ctx.session.execute(orders.with_only_columns(Order.id, Order.paid_total)).all())
    plans = ctx.session.execute(
        select(PaymentPlan.order_id, PaymentPlan.due_date, PaymentPlan.amount)
        .where(PaymentPlan.order_id.in_(order_ids), PaymentPlan.due_date <= end)
        .order_by(PaymentPlan.order_id, PaymentPlan.due_date, PaymentPlan.id)
    ).all()
    received_rows = ctx.session.execute(
        select(Payment.received_on, Payment.amount).where(
            Payment.order_id.in_(order_ids),
            Payment.received_on >= start,
            Payment.received_on <= end,
        )
    ).all()
    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    outstanding: dict[str, Decimal] = defaultdict(lambda: ZERO)
    received: dict[str, Decimal] = defaultdict(lambda: ZERO)
    left = {order_id: amount or ZERO for order_id, amount in paid.items()}
    for order_id, due, amount in plans:
        covered = min(left.get(order_id, ZERO), amount)
        left[order_id] = left.get(order_id, ZERO) - covered
        if due >= start:
            key = f"{due.year:04d}-{due.month:02d}"
            planned[key] += amount
            outstanding[key] += amount - covered
    for received_on, amount in received_rows:
        received[f"{received_on.year:04d}-{received_on.month:02d}"] += amount
    return [
        MonthPayments(
            month=month,
            planned=planned[month],
            received=received[month],
            outstanding=outstanding[month],
        )
        for month in _months(start, end)
    ]


# ---------------------------------------------------------------------------- for value models


def customer_revenue(ctx: Ctx, customer_id: int, since: date) -> Decimal:
    """The total of a customer's live orders dated `since` or later, cancelled ones left out.

    Read as the system, like kht.value.service.actions_of: a value model's score (customer
    value) must not depend on who happens to trigger the recomputation. Summed in Python so
    the cents are exact on SQLite too.
    """
    totals = ctx.session.scalars(
        select(Order.total).where(
            Order.customer_id == customer_id,
            Order.deleted_at.is_(None),
            Order.status != "cancelled",
            Order.order_date >= since,
        )
    )
    return sum((Decimal(str(total)) for total in totals), ZERO).quantize(Decimal("0.01"))


def revenue_rows() -> Select[Any]:
    """Every live, not cancelled order as (customer_id, day, amount): unscoped, for roll-ups
    that the system computes for everyone (a pack's nightly contribution figures) and then
    shows through its own scoped queries. Callers add their date range on `day`."""
    return select(
        Order.customer_id.label("customer_id"),
        Order.order_date.label("day"),
        Order.total.label("amount"),
    ).where(Order.deleted_at.is_(None), Order.status != "cancelled")


def plan_out(row: PaymentPlan) -> PlanOut:
    return PlanOut(id=row.id, due_date=row.due_date, amount=row.amount, note=row.note)


def payment_out(row: Payment) -> PaymentOut:
    return out_of(PaymentOut, row)


def to_out(ctx: Ctx, order: Order, tags: list[str] | None = None) -> OrderOut:
    """An order as the API answers it: its columns, lines, payment plan and payments."""
    plan = plan_of(ctx, order.id)
    return records.record_out(
        OrderOut,
        order,
        tags,
        planned_total=sum((row.amount for row in plan), ZERO),
        lines=[line_rules.line_out(line) for line in lines_of(ctx, order.id)],
        plan=[plan_out(row) for row in plan],
        payments=[payment_out(row) for row in payments_of(ctx, order.id)],
    )


# In the order the page lists them.
FIELDS = (
    builtin("number", "text", "订单编号", "Order number"),
    *shared("customer_id", "contact_id", "quote_id", "opportunity_id"),
    builtin("order_date", "date", "下单日期", "Order date"),
    *shared("owner_id", "currency", "total"),
    builtin("paid_total", "money", "已回款", "Paid"),
    builtin("status", "single_choice", "状态", "Status", choices=STATUSES),
    *shared("notes"),
)

SPEC = RecordKind(
    kind=KIND,
    model=Order,
    module=MODULE,
    label_zh="订单",
    label_en="Orders",
    plural="orders",
    fields=FIELDS,
    open_filter=lambda: Order.status == "open",
    # The customer's and the opportunity's teams see the orders.
    team_parents=(("customer", "customer_id"), ("opportunity", "opportunity_id")),
    columns=columns,
    query=filtered,
    update=update_order,
    update_schema=OrderUpdate,
    # Lines and status rules: edited on the order's form, not in a cell.
    inline_edit=False,
    create_schema=OrderCreate,
    out_schema=OrderOut,
    to_out=to_out,
    create=create_order,
)

__all__ = [
    "KIND",
    "MODULE",
    "SPEC",
    "add_payment",
    "add_plan",
    "columns",
    "create_order",
    "customer_revenue",
    "delete_order",
    "expected_payments",
    "filtered",
    "get_order",
    "lines_of",
    "order_from_quote",
    "orders_of",
    "payments_of",
    "plan_of",
    "planned_total",
    "remove_payment",
    "remove_plan",
    "update_order",
]
