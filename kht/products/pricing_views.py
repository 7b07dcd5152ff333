"""Price list UI: every list with its prices; administrators add lists and prices here."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.contacts.ui import text, to_struct
from kht.context import Ctx, RequestCtx
from kht.customers.models import CustomerCategory
from kht.errors import Conflict, ValidationError
from kht.org.models import Branch
from kht.products import pricing, service
from kht.products.models import Product
from kht.products.schemas import ItemIn, PriceListCreate
from kht.web.pages import render


def _names(ctx: Ctx, model: Any) -> dict[int, str]:
    return {row.id: row.name for row in ctx.session.execute(select(model.id, model.name))}


def _page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    lists = pricing.list_price_lists(ctx)
    items = {price_list.id: pricing.items_of(ctx, price_list.id) for price_list in lists}
    product_rows = ctx.session.execute(
        select(Product.id, Product.code, Product.name)
        .where(Product.deleted_at.is_(None))
        .order_by(Product.code)
    )
    return render(
        request,
        ctx,
        "products/price_lists.html",
        status_code=status_code,
        lists=lists,
        items=items,
        products={row.id: (row.code, row.name) for row in product_rows},
        categories=_names(ctx, CustomerCategory),
        branches=_names(ctx, Branch),
        can_edit=ctx.user is not None and ctx.user.can(service.MODULE, "edit"),
        form=form or {"currency": "CNY"},
        errors=errors or {},
    )


@get("/price-lists", sync_to_thread=True, include_in_schema=False)
def price_lists(request: Request, ctx: RequestCtx) -> Template:
    """Every price list: whom it applies to, when, and its prices."""
    return _page(request, ctx)


def _optional_id(data: dict[str, Any], key: str) -> int | None:
    raw = text(data, key)
    return int(raw) if raw.isdigit() else None


@post("/price-lists", sync_to_thread=True, include_in_schema=False)
def create_price_list(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values: dict[str, Any] = {
        "name": text(data, "name"),
        "currency": text(data, "currency").upper() or "CNY",
        "valid_from": text(data, "valid_from") or None,
        "valid_to": text(data, "valid_to") or None,
        "customer_category_id": _optional_id(data, "customer_category_id"),
        "branch_id": _optional_id(data, "branch_id"),
    }
    try:
        pricing.create_price_list(ctx, to_struct(values, PriceListCreate))
    except ValidationError as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _page(request, ctx, form=values, errors=errors, status_code=422)
    return Redirect("/price-lists", status_code=303)


@post("/price-lists/{list_id:int}/items", sync_to_thread=True, include_in_schema=False)
def set_item(
    request: Request, ctx: RequestCtx, list_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Add a price (or replace the price of the same quantity tier)."""
    values = {
        "product_id": _optional_id(data, "product_id") or 0,
        "price": text(data, "price") or "x",
        "min_quantity": text(data, "min_quantity") or "1",
    }
    try:
        pricing.set_item(ctx, list_id, to_struct(values, ItemIn))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        errors = {f"{list_id}.{exc.field or ''}": exc.message}
        return _page(request, ctx, errors=errors, status_code=exc.status)
    return Redirect(f"/price-lists#list-{list_id}", status_code=303)


@post(
    "/price-lists/{list_id:int}/items/{item_id:int}/delete",
    sync_to_thread=True,
    include_in_schema=False,
)
def remove_item(ctx: RequestCtx, list_id: FromPath[int], item_id: FromPath[int]) -> Redirect:
    pricing.remove_item(ctx, list_id, item_id)
    return Redirect(f"/price-lists#list-{list_id}", status_code=303)


@post("/price-lists/{list_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_price_list(ctx: RequestCtx, list_id: FromPath[int]) -> Redirect:
    pricing.delete_price_list(ctx, list_id)
    return Redirect("/price-lists", status_code=303)


ROUTES = [price_lists, create_price_list, set_item, remove_item, delete_price_list]
__all__ = ["ROUTES"]
