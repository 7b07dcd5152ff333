"""Order UI pages: the shared list page, an order's page (lines, payment plan, payments,
status), the form for an order entered directly, and the record panels."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.contacts.service import customer_names
from kht.contacts.ui import ext_from_form, history_rows, people, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.fields import fields_for
from kht.plugin_types import RecordPages
from kht.sales.orders import service
from kht.sales.orders.models import Order
from kht.sales.orders.schemas import OrderCreate, OrderUpdate, PaymentIn, PlanIn
from kht.sales.quotes.pricing import amount_in_words
from kht.sales.quotes.views import _editor_lines, _line_rows
from kht.web.i18n import N_, translations
from kht.web.pages import render

STATUS_LABELS = {
    "open": N_("In progress"),
    "fulfilled": N_("Fulfilled"),
    "cancelled": N_("Cancelled"),
}
STATUS_COLOURS = {"open": "primary", "fulfilled": "success", "cancelled": "secondary"}
FIELD_LABELS = {
    "number": N_("Order number"),
    "status": N_("Status"),
    "order_date": N_("Order date"),
    "notes": N_("Notes"),
    "total": N_("Total"),
    "paid_total": N_("Paid"),
    "lines": N_("Lines"),
    "payment_plan": N_("Payment plan"),
    "owner_id": N_("Owner"),
    "contact_id": N_("Contact"),
}


def _status(ctx: Ctx) -> dict[str, dict[Any, str]]:
    gettext = translations(ctx.language).gettext
    return {"status": {key: gettext(label) for key, label in STATUS_LABELS.items()}}


def _customers(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    return {"refs": {"customer_id": customer_names(ctx, {row.customer_id for row in rows})}}


# The list is the shared one; the form and the page are still the order's own.
PAGES = RecordPages(labels=_status, list_context=_customers, own_pages=("form", "detail"))
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


@get("/orders/{order_id:int}", sync_to_thread=True, include_in_schema=False)
def order_page(request: Request, ctx: RequestCtx, order_id: FromPath[int]) -> Template:
    """One order: lines and totals, the payment plan, the payments, status, history."""
    from kht.sales.quotes.models import Quote

    order = service.get_order(ctx, order_id)
    plan = service.plan_of(ctx, order.id)
    quote = ctx.session.get(Quote, order.quote_id) if order.quote_id else None
    fields = fields_for(ctx, service.KIND)
    ext = order.ext or {}
    can_edit = ctx.user is not None and ctx.user.can(service.MODULE, "edit")
    return render(
        request,
        ctx,
        "orders/detail.html",
        order=order,
        lines=service.lines_of(ctx, order.id),
        plan=plan,
        planned=sum((row.amount for row in plan), service.ZERO),
        payments=service.payments_of(ctx, order.id),
        in_words=amount_in_words(order.total),
        customer=customer_names(ctx, {order.customer_id}).get(order.customer_id, ""),
        owner=people(ctx, {order.owner_id}).get(order.owner_id or 0, "—"),
        quote=quote,
        status_labels=STATUS_LABELS,
        colours=STATUS_COLOURS,
        can_edit=can_edit,
        custom=[(f, f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language)) for f in fields],
        history=history_rows(ctx, service.KIND, order.id, FIELD_LABELS, {"status": STATUS_LABELS}),
        tz=ctx.zone,
        today=ctx.today().isoformat(),
        error=request.query_params.get("error", ""),
    )


def _on_page(request: Request, ctx: Ctx, order_id: int, run: Any) -> Template | Redirect:
    """Run a change from the order's page; a refusal shows the page with the message."""
    try:
        run()
    except (ValidationError, Conflict, NotFound) as exc:
        ctx.session.rollback()
        page = order_page.fn(request, ctx, order_id)
        page.context["error"] = exc.message
        page.status_code = exc.status
        return page
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


def _form_page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    customer_id = form.get("customer_id")
    return render(
        request,
        ctx,
        "orders/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        customer=customer_names(ctx, {customer_id}).get(customer_id or 0, "")
        if customer_id
        else "",
        editor_lines=_editor_lines(ctx, form.get("lines") or []),
        fields=fields_for(ctx, service.KIND),
    )


@get("/orders/new", sync_to_thread=True, include_in_schema=False)
def new_order(request: Request, ctx: RequestCtx) -> Template:
    """The form for an order entered directly (most orders come from accepted quotes)."""
    require(ctx.user, service.MODULE, "create")
    customer = str(request.query_params.get("customer_id") or "")
    form = {
        "customer_id": int(customer) if customer.isdigit() else None,
        "order_date": ctx.today().isoformat(),
        "lines": [],
        "ext": {},
    }
    return _form_page(request, ctx, form=form, errors={})


@post("/orders/new", sync_to_thread=True, include_in_schema=False)
def create_order(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    customer = text(data, "customer_id")
    values: dict[str, Any] = {
        "customer_id": int(customer) if customer.isdigit() else 0,
        "order_date": text(data, "order_date") or None,
        "notes": text(data, "notes"),
        "lines": [],
        "ext": ext_from_form(fields_for(ctx, service.KIND), data),
    }
    try:
        values["lines"] = _line_rows(text(data, "lines_json"))
        order = service.create_order(ctx, to_struct(values, OrderCreate))
    except (ValidationError, Conflict, NotFound) as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _form_page(request, ctx, form=values, errors=errors, status_code=exc.status)
    return Redirect(f"/orders/{order.id}", status_code=303)


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


ROUTES = [
    new_order,
    create_order,
    order_page,
    change_status,
    add_plan,
    remove_plan,
    add_payment,
    remove_payment,
]
