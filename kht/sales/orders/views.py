"""Order UI pages: the shared record pages (kht.recordpages) with the order's own blocks
(status buttons, lines, payment plan, payments, the line editor of its form), the handlers
of those buttons, and the record panels."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts.service import contact_choices
from kht.contacts.ui import text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.plugin_types import RecordPages
from kht.recordpages.views import refused_on_page
from kht.sales.orders import service
from kht.sales.orders.models import Order
from kht.sales.orders.schemas import OrderUpdate, PaymentIn, PlanIn
from kht.sales.pages import (
    customer_of,
    lines_form,
    posted_lines,
    references,
    status_labels,
)
from kht.sales.quotes.pricing import amount_in_words
from kht.web.i18n import N_

STATUS_LABELS = {
    "open": N_("In progress"),
    "fulfilled": N_("Fulfilled"),
    "cancelled": N_("Cancelled"),
}
STATUS_COLOURS = {"open": "primary", "fulfilled": "success", "cancelled": "secondary"}


def _detail(ctx: Ctx, order: Order) -> dict[str, Any]:
    """The lines and their total in words, the payment plan, the payments; an order is
    edited (its lines) while it is open."""
    plan = service.plan_of(ctx, order.id)
    can_change = ctx.user is not None and ctx.user.can(service.MODULE, "edit")
    return {
        "refs": references(ctx, order),
        "status_labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
        "lines": service.lines_of(ctx, order.id),
        "in_words": amount_in_words(order.total),
        "plan": plan,
        "planned": sum((row.amount for row in plan), service.ZERO),
        "payments": service.payments_of(ctx, order.id),
        "can_change": can_change,
        "can_edit": can_change and order.status == "open",
        "today": ctx.today().isoformat(),
    }


def _form(ctx: Ctx, form: dict[str, Any], order: Order | None) -> dict[str, Any]:
    """The customer's contacts and the editor's lines (an order entered directly)."""
    return {
        **lines_form(ctx, form, order, service.lines_of),
        "refs": {"contact_id": dict(contact_choices(ctx, customer_of(form, order)))},
        "picker_url": "/quotes/customer-options",
        "restart_url": "/orders/new",
    }


def _new(ctx: Ctx) -> dict[str, Any]:
    return {"order_date": ctx.today().isoformat(), "lines": []}


# The shared list, form and page; the status buttons, lines, plan and payments are the
# order's own blocks (orders/detail.html), the line editor its form's (quotes/lines_form.html).
PAGES = RecordPages(
    # The status has its buttons on the page.
    form_fields=("order_date", "contact_id", "currency", "notes"),
    badge="status",
    labels=status_labels(STATUS_LABELS),
    detail_context=_detail,
    form_context=_form,
    new_values=_new,
    form_values=posted_lines,
    form_template="quotes/lines_form.html",
    detail_template="orders/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def _on_page(request: Request, ctx: Ctx, order_id: int, run: Any) -> Template | Redirect:
    """Run a change from the order's page; a refusal shows the page with the message."""
    try:
        run()
    except (ValidationError, Conflict, NotFound) as exc:
        return refused_on_page(request, ctx, SPEC, order_id, exc)
    return Redirect(f"/orders/{order_id}", status_code=303)


@post("/orders/{order_id:int}/status", sync_to_thread=True, include_in_schema=False)
def change_status(
    request: Request, ctx: RequestCtx, order_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    version = text(data, "version")

    def run() -> None:
        change = {
            "version": int(version) if version.isdigit() else -1,
            "status": text(data, "status"),
        }
        service.update_order(ctx, order_id, to_struct(change, OrderUpdate))

    return _on_page(request, ctx, order_id, run)


@post("/orders/{order_id:int}/plan", sync_to_thread=True, include_in_schema=False)
def add_plan(
    request: Request, ctx: RequestCtx, order_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    def run() -> None:
        values = {
            "due_date": text(data, "due_date"),
            "amount": text(data, "amount") or "0",
            "note": text(data, "note"),
        }
        service.add_plan(ctx, order_id, to_struct(values, PlanIn))

    return _on_page(request, ctx, order_id, run)


@post(
    "/orders/{order_id:int}/plan/{plan_id:int}/delete",
    sync_to_thread=True,
    include_in_schema=False,
)
def remove_plan(
    request: Request, ctx: RequestCtx, order_id: FromPath[int], plan_id: FromPath[int]
) -> Template | Redirect:
    return _on_page(request, ctx, order_id, lambda: service.remove_plan(ctx, order_id, plan_id))


@post("/orders/{order_id:int}/payments", sync_to_thread=True, include_in_schema=False)
def add_payment(
    request: Request, ctx: RequestCtx, order_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    def run() -> None:
        values = {
            "received_on": text(data, "received_on"),
            "amount": text(data, "amount") or "0",
            "method": text(data, "method"),
            "reference": text(data, "reference"),
        }
        service.add_payment(ctx, order_id, to_struct(values, PaymentIn))

    return _on_page(request, ctx, order_id, run)


@post(
    "/orders/{order_id:int}/payments/{payment_id:int}/delete",
    sync_to_thread=True,
    include_in_schema=False,
)
def remove_payment(
    request: Request, ctx: RequestCtx, order_id: FromPath[int], payment_id: FromPath[int]
) -> Template | Redirect:
    return _on_page(
        request, ctx, order_id, lambda: service.remove_payment(ctx, order_id, payment_id)
    )


def panel_context(ctx: Ctx, kind: str, record: Any) -> dict[str, Any]:
    """The orders panel of a customer or an opportunity (in scope)."""
    try:
        if kind == "customer":
            rows: list[Order] = service.orders_of(ctx, customer_id=record.id)
        else:
            rows = service.orders_of(ctx, opportunity_id=record.id)
    except KhtError:
        rows = []
    return {
        "orders": [
            {
                "id": o.id,
                "number": o.number,
                "status": o.status,
                "order_date": o.order_date,
                "currency": o.currency,
                "total": o.total,
                "paid_total": o.paid_total,
            }
            for o in rows[:20]
        ],
        "count": len(rows),
        "status_labels": STATUS_LABELS,
        "colours": STATUS_COLOURS,
    }


ROUTES = [change_status, add_plan, remove_plan, add_payment, remove_payment]
