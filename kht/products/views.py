"""Product UI pages: the shared list page, a product's page, its form, the price lists."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.contacts.ui import ext_from_form, history_rows, text, to_struct
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, ValidationError
from kht.fields import fields_for
from kht.lists.ui import ListState, list_context
from kht.products import service
from kht.products.models import Product
from kht.products.pricing_views import ROUTES as PRICE_ROUTES
from kht.products.schemas import ProductCreate, ProductUpdate
from kht.tags.service import tags_of
from kht.web.i18n import N_, translations
from kht.web.pages import render

FIELD_LABELS = {
    "code": N_("Code"),
    "name": N_("Name"),
    "unit": N_("Unit"),
    "category": N_("Category"),
    "product_line_id": N_("Product line"),
    "list_price": N_("List price"),
    "tax_rate": N_("Tax rate"),
    "active": N_("Active"),
    "description": N_("Description"),
    "owner_id": N_("Owner"),
}
PLAIN = ("code", "name", "unit", "category", "list_price", "tax_rate", "description")


@get("/products", sync_to_thread=True, include_in_schema=False)
def product_list(request: Request, ctx: RequestCtx) -> Template:
    """The catalogue on the shared list page: filters, sort, columns, views, export, bulk."""
    state = ListState.from_query(request.query_params)
    if "sort" not in request.query_params:
        state.sort = "code"
    rows, total = service.list_products(
        ctx,
        page=state.page,
        page_size=state.page_size,
        q=state.q,
        sort=state.sort,
        filters=state.filters(ctx),
        deleted=state.deleted,
    )
    gettext = translations(ctx.language).gettext
    can_edit = ctx.user is not None and ctx.user.can(service.MODULE, "create")
    extra = {
        "title": gettext(N_("Products")),
        "new_url": "/products/new" if can_edit else "",
        "actions": [{"url": "/price-lists", "label": gettext(N_("Price lists"))}],
        "row_url": lambda row: f"/products/{row.id}",
        "people": {},
        "owners": [],
        "tags": tags_of(ctx, service.KIND, [row.id for row in rows]),
        "refs": {"product_line_id": service.line_names(ctx)},
    }
    context = list_context(
        ctx,
        kind=service.KIND,
        base="/products",
        state=state,
        columns=service.columns(ctx),
        rows=rows,
        total=total,
        extra=extra,
    )
    return render(request, ctx, "lists/list.html", **context)


@get("/products/{product_id:int}", sync_to_thread=True, include_in_schema=False)
def product_page(request: Request, ctx: RequestCtx, product_id: FromPath[int]) -> Template:
    """One product: its fields, custom fields, the price lists that price it, its history."""
    from kht.products.pricing import lists_pricing

    product = service.get_product(ctx, product_id)
    fields = fields_for(ctx, service.KIND)
    ext = product.ext or {}
    actions = [
        a
        for batch in ctx.hook.kht_record_actions(ctx=ctx, kind=service.KIND, record=product)
        if batch
        for a in batch
    ]
    return render(
        request,
        ctx,
        "products/detail.html",
        product=product,
        line=service.line_names(ctx).get(product.product_line_id or 0, "—"),
        custom=[(f, f.shown(ext.get(f.namespace, {}).get(f.name), ctx.language)) for f in fields],
        prices=lists_pricing(ctx, product.id),
        history=history_rows(ctx, service.KIND, product.id, FIELD_LABELS),
        actions=actions,
        tz=ctx.zone,
    )


def _form_values(ctx: Ctx, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {key: text(data, key) for key in PLAIN}
    line = text(data, "product_line_id")
    values["product_line_id"] = int(line) if line.isdigit() else None
    values["active"] = text(data, "active") in ("1", "on", "true")
    values["ext"] = ext_from_form(fields_for(ctx, service.KIND), data)
    for key in ("list_price", "tax_rate"):
        values[key] = values[key] or "0"
    return values


def _page(
    request: Request,
    ctx: Ctx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    product: Product | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "products/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        product=product,
        lines=service.line_names(ctx),
        fields=fields_for(ctx, service.KIND),
    )


@get("/products/new", sync_to_thread=True, include_in_schema=False)
def new_product(request: Request, ctx: RequestCtx) -> Template:
    require(ctx.user, service.MODULE, "create")
    form = {"active": True, "tax_rate": "0.13", "list_price": "0.00", "ext": {}}
    return _page(request, ctx, form=form, errors={})


@post("/products/new", sync_to_thread=True, include_in_schema=False)
def create_product(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _form_values(ctx, data)
    try:
        product = service.create_product(ctx, to_struct(values, ProductCreate))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        errors = {exc.field or "": exc.message}
        return _page(request, ctx, form=values, errors=errors, status_code=exc.status)
    return Redirect(f"/products/{product.id}", status_code=303)


@get("/products/{product_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def edit_product(request: Request, ctx: RequestCtx, product_id: FromPath[int]) -> Template:
    product = service.get_product(ctx, product_id)
    form = {key: getattr(product, key) for key in (*PLAIN, "product_line_id", "active")}
    form.update(ext=product.ext or {}, version=product.version)
    return _page(request, ctx, form=form, errors={}, product=product)


@post("/products/{product_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def update_product(
    request: Request,
    ctx: RequestCtx,
    product_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the form; it carries the version it was shown, so a stale save gets 409."""
    product = service.get_product(ctx, product_id)
    values = _form_values(ctx, data)
    version = text(data, "version")
    try:
        change = to_struct(
            {**values, "version": int(version) if version.isdigit() else -1}, ProductUpdate
        )
        service.update_product(ctx, product_id, change)
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        return _page(
            request,
            ctx,
            form={**values, "version": version},
            errors={exc.field or "": exc.message},
            product=product,
            status_code=exc.status,
        )
    return Redirect(f"/products/{product_id}", status_code=303)


ROUTES = [
    product_list,
    product_page,
    new_product,
    create_product,
    edit_product,
    update_product,
    *PRICE_ROUTES,
]
