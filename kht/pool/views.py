"""Pool UI: the pool list with Claim buttons, the release form, and the categories admin page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, Parameter, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.context import RequestCtx
from kht.customers.service import get_customer
from kht.errors import Conflict, Forbidden, KhtError, ValidationError
from kht.pool import categories, service
from kht.pool.schemas import CategoryIn, CategoryUpdate
from kht.value.customer import peer_fields, set_peer_fields, similarity_choices
from kht.web.i18n import N_
from kht.web.pages import render

PAGE_SIZE = 50
NOTICES = {
    "released": N_("The customer is back in the shared pool."),
    "saved": N_("The changes have been saved."),
    "created": N_("The category has been added."),
    "deleted": N_("The category has been deleted."),
}
# Service messages these pages show, so the catalog translates them.
MESSAGES = (
    N_("this customer is no longer in the shared pool: someone else claimed it"),
    N_("this customer is already in the shared pool"),
    N_("only the owner or a manager may release this customer"),
    N_("say why the customer goes back to the pool"),
    N_("the category name is required"),
    N_("reclaim days must be a whole number from 0 to 3650"),
    N_("the position must be a whole number"),
    N_("the wallet must be an amount of money, 0 or more"),
)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    return str(value[-1] if isinstance(value, list) else value).strip()


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# ---- the pool ----------------------------------------------------------------------------------


def _pool_page(
    request: Request, ctx: RequestCtx, page: int = 1, q: str = "", **values: Any
) -> Template:
    rows, total = service.list_pool(ctx, page=page, page_size=PAGE_SIZE, q=q)
    names = {c.id: c.name for c in categories.list_categories(ctx)}
    user_id = ctx.user_id or 0
    return render(
        request,
        ctx,
        "pool/list.html",
        customers=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        q=q,
        category_names=names,
        owned=service.owned_count(ctx, user_id),
        max_owned=service.limit(ctx, "pool_max_owned"),
        claimed=service.claims_today(ctx, user_id),
        max_claims=service.limit(ctx, "pool_max_claims_per_day"),
        can_claim=ctx.user.can("customers", "edit"),
        notice=NOTICES.get(request.query_params.get("done", "")),
        **values,
    )


@get("/pool", sync_to_thread=True, include_in_schema=False)
def pool_page(
    request: Request,
    ctx: RequestCtx,
    page: int = Parameter(ge=1, default=1),
    q: FromQuery[str] = "",
) -> Template:
    """Customers nobody owns, with a Claim button each."""
    return _pool_page(request, ctx, page, q)


@post("/pool/{customer_id:int}/claim", sync_to_thread=True, include_in_schema=False)
def claim_from_page(
    request: Request, ctx: RequestCtx, customer_id: FromPath[int]
) -> Template | Redirect:
    """htmx swaps the row for the outcome; without htmx, go to the claimed customer."""
    try:
        customer = service.claim(ctx, customer_id)
    except Conflict as exc:
        ctx.session.rollback()
        if _is_htmx(request):  # htmx swaps 2xx answers only: the refusal is the new row
            return render(request, ctx, "pool/_row_result.html", error=exc.message, id=customer_id)
        return _pool_page(request, ctx, status_code=409, error=exc.message)
    if _is_htmx(request):
        return render(request, ctx, "pool/_row_result.html", customer=customer, id=customer_id)
    return Redirect(f"/customers/{customer.id}", status_code=303)


# ---- releasing ---------------------------------------------------------------------------------


@get("/customers/{customer_id:int}/release", sync_to_thread=True, include_in_schema=False)
def release_form(request: Request, ctx: RequestCtx, customer_id: FromPath[int]) -> Template:
    """The form that puts a customer back into the pool (404 outside one's scope)."""
    customer = get_customer(ctx, customer_id)
    return render(request, ctx, "pool/release.html", customer=customer, form={})


@post("/customers/{customer_id:int}/release", sync_to_thread=True, include_in_schema=False)
def release_from_form(
    request: Request, ctx: RequestCtx, customer_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        version = int(_text(data, "version") or "0")
        service.release_to_pool(ctx, customer_id, version, _text(data, "reason"))
    except (ValidationError, Conflict, Forbidden, ValueError) as exc:
        ctx.session.rollback()
        error = exc if isinstance(exc, KhtError) else ValidationError("bad version", "version")
        customer = get_customer(ctx, customer_id)
        return render(
            request,
            ctx,
            "pool/release.html",
            status_code=error.status,
            customer=customer,
            form={"reason": _text(data, "reason")},
            error=error.message,
            error_field=error.field,
        )
    return Redirect("/pool?done=released", status_code=303)


# ---- categories admin --------------------------------------------------------------------------


def _categories_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    require(ctx.user, "customers", "admin")
    values.setdefault("form", {})
    return render(
        request,
        ctx,
        "pool/categories.html",
        categories=categories.list_categories(ctx),
        peer_choices=similarity_choices(ctx),
        peer_fields=peer_fields(ctx),
        notice=NOTICES.get(request.query_params.get("done", "")),
        **values,
    )


def _category_values(data: dict[str, Any]) -> dict[str, Any]:
    days, position = _text(data, "reclaim_days"), _text(data, "position") or "0"
    if days and not (days.isdigit() and int(days) <= 3650):
        raise ValidationError("reclaim days must be a whole number from 0 to 3650", "reclaim_days")
    if not position.isdigit():
        raise ValidationError("the position must be a whole number", "position")
    name = _text(data, "name")
    if not name:
        raise ValidationError("the category name is required", "name")
    return {
        "name": name[:100],
        "reclaim_days": int(days) if days else None,
        "position": min(int(position), 100000),
        "wallet": _wallet(_text(data, "wallet")),
    }


def _wallet(text: str) -> Decimal | None:
    """The wallet input (empty: not estimated); not a sum of money is a 422 naming it."""
    if not text:
        return None
    try:
        wallet = Decimal(text.replace(",", ""))
    except InvalidOperation:
        wallet = Decimal(-1)
    if not wallet.is_finite() or wallet < 0:
        raise ValidationError("the wallet must be an amount of money, 0 or more", "wallet")
    return wallet


def _refused(request: Request, ctx: RequestCtx, exc: KhtError, data: dict) -> Template:
    ctx.session.rollback()
    form = {k: _text(data, k) for k in ("name", "reclaim_days", "position", "wallet")}
    return _categories_page(
        request, ctx, status_code=exc.status, error=exc.message, error_field=exc.field, form=form
    )


@get("/admin/categories", sync_to_thread=True, include_in_schema=False)
def categories_page(request: Request, ctx: RequestCtx) -> Template:
    """Customer categories and their reclaim rules (administrators of customers)."""
    return _categories_page(request, ctx)


@post("/admin/categories", sync_to_thread=True, include_in_schema=False)
def create_category(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        categories.create_category(ctx, CategoryIn(**_category_values(data)))
    except (ValidationError, Conflict) as exc:
        return _refused(request, ctx, exc, data)
    return Redirect("/admin/categories?done=created", status_code=303)


@post("/admin/categories/{category_id:int}", sync_to_thread=True, include_in_schema=False)
def update_category(
    request: Request, ctx: RequestCtx, category_id: FromPath[int], data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        values = _category_values(data)
        categories.update_category(ctx, category_id, CategoryUpdate(**values))
    except (ValidationError, Conflict) as exc:
        return _refused(request, ctx, exc, {})
    return Redirect("/admin/categories?done=saved", status_code=303)


@post("/admin/categories/similarity", sync_to_thread=True, include_in_schema=False)
def save_similarity(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    """The fields that make customers similar for their model value (every value is
    recomputed)."""
    chosen = data.get("peer_fields") or []
    try:
        set_peer_fields(ctx, [chosen] if isinstance(chosen, str) else list(chosen))
    except ValidationError as exc:
        return _refused(request, ctx, exc, {})
    return Redirect("/admin/categories?done=saved", status_code=303)


@post("/admin/categories/{category_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_category(ctx: RequestCtx, category_id: FromPath[int]) -> Redirect:
    categories.delete_category(ctx, category_id)
    return Redirect("/admin/categories?done=deleted", status_code=303)


ROUTES = [
    save_similarity,
    pool_page,
    claim_from_page,
    release_form,
    release_from_form,
    categories_page,
    create_category,
    update_category,
    delete_category,
]
