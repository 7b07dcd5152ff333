"""Order JSON API: thin controllers over kht.sales.orders services."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.records.api import filters_from
from kht.sales.orders import service
from kht.sales.orders.models import Order, Payment, PaymentPlan
from kht.sales.orders.schemas import (
    MonthPayments,
    OrderCreate,
    OrderOut,
    OrderPage,
    OrderUpdate,
    PaymentIn,
    PaymentOut,
    PlanIn,
    PlanOut,
)
from kht.sales.quotes.lines import line_out

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def plan_out(row: PaymentPlan) -> PlanOut:
    return PlanOut(id=row.id, due_date=row.due_date, amount=row.amount, note=row.note)


def payment_out(row: Payment) -> PaymentOut:
    return PaymentOut(
        id=row.id,
        received_on=row.received_on,
        amount=row.amount,
        method=row.method,
        reference=row.reference,
    )


def order_out(ctx: Ctx, order: Order) -> OrderOut:
    plan = service.plan_of(ctx, order.id)
    return OrderOut(
        id=order.id,
        number=order.number,
        customer_id=order.customer_id,
        contact_id=order.contact_id,
        quote_id=order.quote_id,
        opportunity_id=order.opportunity_id,
        status=order.status,
        order_date=order.order_date,
        currency=order.currency,
        subtotal=order.subtotal,
        discount_total=order.discount_total,
        tax_total=order.tax_total,
        total=order.total,
        paid_total=order.paid_total,
        planned_total=sum((row.amount for row in plan), service.ZERO),
        notes=order.notes,
        owner_id=order.owner_id,
        version=order.version,
        ext=order.ext or {},
        lines=[line_out(line) for line in service.lines_of(ctx, order.id)],
        plan=[plan_out(row) for row in plan],
        payments=[payment_out(row) for row in service.payments_of(ctx, order.id)],
        created_at=order.created_at,
        updated_at=order.updated_at,
        deleted_at=order.deleted_at,
    )


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{field} must look like YYYY-MM-DD", field) from None


class OrderController(Controller):
    path = "/api/v1/orders"
    tags = ["orders"]

    @get("/", sync_to_thread=True)
    def list_orders(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = PAGE_SIZE,
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: FromQuery[list[str] | None] = None,
        view: FromQuery[int | None] = None,
        deleted: FromQuery[bool] = False,
    ) -> OrderPage:
        """Orders in scope; `f=field:op:value` filters (repeatable), `view=` a saved view."""
        rows, total = service.list_orders(
            ctx,
            page=page,
            page_size=page_size,
            q=q,
            sort=sort,
            filters=filters_from(ctx, f, view),
            deleted=deleted,
        )
        return OrderPage(
            items=[order_out(ctx, r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_order(self, ctx: RequestCtx, data: JSONBody[OrderCreate]) -> OrderOut:
        """An order entered directly; fires OrderPlaced."""
        return order_out(ctx, service.create_order(ctx, data))

    @get("/expected-payments", sync_to_thread=True)
    def expected_payments(
        self, ctx: RequestCtx, start: FromQuery[str], end: FromQuery[str]
    ) -> list[MonthPayments]:
        """Per month: planned, received and outstanding payments of the orders in scope."""
        return service.expected_payments(ctx, _date(start, "start"), _date(end, "end"))

    @get("/{order_id:int}", sync_to_thread=True)
    def get_order(self, ctx: RequestCtx, order_id: FromPath[int]) -> OrderOut:
        return order_out(ctx, service.get_order(ctx, order_id))

    @patch("/{order_id:int}", sync_to_thread=True)
    def update_order(
        self, ctx: RequestCtx, order_id: FromPath[int], data: JSONBody[OrderUpdate]
    ) -> OrderOut:
        """Status, date, notes; lines while open; a stale `version` is a 409."""
        return order_out(ctx, service.update_order(ctx, order_id, data))

    @delete("/{order_id:int}", sync_to_thread=True)
    def delete_order(self, ctx: RequestCtx, order_id: FromPath[int]) -> None:
        service.delete_order(ctx, order_id)

    @post("/{order_id:int}/restore", sync_to_thread=True)
    def restore_order(self, ctx: RequestCtx, order_id: FromPath[int]) -> OrderOut:
        return order_out(ctx, service.restore_order(ctx, order_id))

    @post("/{order_id:int}/plan", sync_to_thread=True)
    def add_plan(self, ctx: RequestCtx, order_id: FromPath[int], data: JSONBody[PlanIn]) -> PlanOut:
        """Expect a payment; the plan may add up to at most the total (else 422)."""
        return plan_out(service.add_plan(ctx, order_id, data))

    @delete("/{order_id:int}/plan/{plan_id:int}", sync_to_thread=True)
    def remove_plan(self, ctx: RequestCtx, order_id: FromPath[int], plan_id: FromPath[int]) -> None:
        service.remove_plan(ctx, order_id, plan_id)

    @post("/{order_id:int}/payments", sync_to_thread=True)
    def add_payment(
        self, ctx: RequestCtx, order_id: FromPath[int], data: JSONBody[PaymentIn]
    ) -> PaymentOut:
        """Record a payment; payments may add up to at most the total (else 422)."""
        return payment_out(service.add_payment(ctx, order_id, data))

    @delete("/{order_id:int}/payments/{payment_id:int}", sync_to_thread=True)
    def remove_payment(
        self, ctx: RequestCtx, order_id: FromPath[int], payment_id: FromPath[int]
    ) -> None:
        service.remove_payment(ctx, order_id, payment_id)


ROUTES = [OrderController]
