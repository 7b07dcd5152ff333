"""Order JSON API: thin controllers over kht.sales.orders services."""

from __future__ import annotations

import datetime as dt

from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.sales.orders import service
from kht.sales.orders.models import Order
from kht.sales.orders.schemas import (
    MonthPayments,
    OrderOut,
    PaymentIn,
    PaymentOut,
    PlanIn,
    PlanOut,
)

PAGE_SIZE = Parameter(ge=1, le=500, default=50)


def order_out(ctx: Ctx, order: Order) -> OrderOut:
    return service.to_out(ctx, order)


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{field} must look like YYYY-MM-DD", field) from None


class OrderController(Controller):
    """An order's payments and plan beyond what its declaration gives (kht.records.api)."""

    path = "/api/v1/orders"
    tags = ["orders"]

    @get("/expected-payments", sync_to_thread=True)
    def expected_payments(
        self, ctx: RequestCtx, start: FromQuery[str], end: FromQuery[str]
    ) -> list[MonthPayments]:
        """Per month: planned, received and outstanding payments of the orders in scope."""
        return service.expected_payments(ctx, _date(start, "start"), _date(end, "end"))

    @post("/{order_id:int}/plan", sync_to_thread=True)
    def add_plan(self, ctx: RequestCtx, order_id: FromPath[int], data: JSONBody[PlanIn]) -> PlanOut:
        """Expect a payment; the plan may add up to at most the total (else 422)."""
        return service.plan_out(service.add_plan(ctx, order_id, data))

    @delete("/{order_id:int}/plan/{plan_id:int}", sync_to_thread=True)
    def remove_plan(self, ctx: RequestCtx, order_id: FromPath[int], plan_id: FromPath[int]) -> None:
        service.remove_plan(ctx, order_id, plan_id)

    @post("/{order_id:int}/payments", sync_to_thread=True)
    def add_payment(
        self, ctx: RequestCtx, order_id: FromPath[int], data: JSONBody[PaymentIn]
    ) -> PaymentOut:
        """Record a payment; payments may add up to at most the total (else 422)."""
        return service.payment_out(service.add_payment(ctx, order_id, data))

    @delete("/{order_id:int}/payments/{payment_id:int}", sync_to_thread=True)
    def remove_payment(
        self, ctx: RequestCtx, order_id: FromPath[int], payment_id: FromPath[int]
    ) -> None:
        service.remove_payment(ctx, order_id, payment_id)


ROUTES = [OrderController]
