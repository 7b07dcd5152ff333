"""Lead pages: the shared record pages (kht.recordpages) plus what only leads have — the
status buttons (qualify, discard, reopen), look-alikes and the convert form."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.customers.models import Customer
from kht.customers.service import scoped_query as customers_in_scope
from kht.errors import ValidationError
from kht.leads import service
from kht.leads.convert import convert_lead
from kht.leads.duplicates import find_duplicates
from kht.leads.models import STATUSES
from kht.plugin_types import RecordPages
from kht.recordpages.views import detail_page
from kht.web.i18n import N_, translations
from kht.web.pages import render

PICKER_LIMIT = 500
STATUS_LABELS = {
    "new": N_("New"),
    "working": N_("Working"),
    "qualified": N_("Qualified"),
    "discarded": N_("Discarded"),
    "converted": N_("Converted"),
}
WHY_LABELS = {"name": N_("same name"), "phone": N_("same phone"), "email": N_("same email")}
KIND_LABELS = {"lead": N_("Lead"), "customer": N_("Customer"), "contact": N_("Contact")}


def _status_refs(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    """Status labels for the cells and for the status chips above the list."""
    gettext = translations(ctx.language).gettext
    return {"refs": {"status": {value: gettext(STATUS_LABELS[value]) for value in STATUSES}}}


def _detail_context(ctx: Ctx, lead: Any) -> dict[str, Any]:
    """Look-alikes and the status moves the lead allows, for its buttons."""
    return {
        "why_labels": WHY_LABELS,
        "kind_labels": KIND_LABELS,
        "duplicates": find_duplicates(ctx, lead) if lead else [],
        "allowed": service.TRANSITIONS.get(lead.status, frozenset()) if lead else frozenset(),
    }


PAGES = RecordPages(
    form_fields=("name", "company", "title", "source", "phone", "email", "notes"),
    detail_fields=(
        "title",
        "phone",
        "email",
        "source",
        "owner_id",
        "discard_reason",
        "created_at",
        "notes",
    ),
    badge="status",
    subtitle="company",
    edit_on_page=True,
    unowned_zh="线索池",
    unowned_en="Lead pool",
    list_filters=("status",),
    list_context=_status_refs,
    detail_context=_detail_context,
    detail_template="leads/detail.html",
)
SPEC = msgspec.structs.replace(service.SPEC, pages=PAGES)


def _version(data: dict[str, Any]) -> int | None:
    raw = text(data, "version")
    return int(raw) if raw.isdigit() else None


@post("/leads/{lead_id:int}/qualify", sync_to_thread=True, include_in_schema=False)
def qualify_lead(
    ctx: RequestCtx, lead_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    service.qualify_lead(ctx, lead_id, _version(data))
    return Redirect(f"/leads/{lead_id}", status_code=303)


@post("/leads/{lead_id:int}/discard", sync_to_thread=True, include_in_schema=False)
def discard_lead(
    request: Request,
    ctx: RequestCtx,
    lead_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    try:
        service.discard_lead(ctx, lead_id, text(data, "reason"), _version(data))
    except ValidationError as exc:
        ctx.session.rollback()
        return detail_page(
            request, ctx, SPEC, lead_id, errors={"reason": exc.message}, status_code=422
        )
    return Redirect(f"/leads/{lead_id}", status_code=303)


@post("/leads/{lead_id:int}/reopen", sync_to_thread=True, include_in_schema=False)
def reopen_lead(
    ctx: RequestCtx, lead_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    service.reopen_lead(ctx, lead_id, _version(data))
    return Redirect(f"/leads/{lead_id}", status_code=303)


def _convert_page(
    request: Request, ctx: RequestCtx, lead_id: int, *, error: str = "", status_code: int = 200
) -> Template:
    lead = service.get_lead(ctx, lead_id)
    matches = [d for d in find_duplicates(ctx, lead) if d.kind == "customer"]
    query = customers_in_scope(ctx).order_by(Customer.name).limit(PICKER_LIMIT)
    return render(
        request,
        ctx,
        "leads/convert.html",
        status_code=status_code,
        lead=lead,
        error=error,
        matches=matches,
        customers=list(ctx.session.scalars(query)),
        why_labels=WHY_LABELS,
    )


@get("/leads/{lead_id:int}/convert", sync_to_thread=True, include_in_schema=False)
def convert_page(request: Request, ctx: RequestCtx, lead_id: FromPath[int]) -> Template:
    """The convert form: a new customer or an existing one (look-alikes first)."""
    return _convert_page(request, ctx, lead_id)


@post("/leads/{lead_id:int}/convert", sync_to_thread=True, include_in_schema=False)
def convert(
    request: Request,
    ctx: RequestCtx,
    lead_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Convert, then show the customer; a converted or stale lead gets the 409 page."""
    existing = text(data, "target") == "existing"
    target = text(data, "customer_id")
    try:
        if existing and not target.isdigit():
            raise ValidationError("choose a customer", "customer_id")
        done = convert_lead(
            ctx,
            lead_id,
            _version(data) or 0,
            customer_id=int(target) if existing else None,
            create_contact=bool(text(data, "create_contact")),
            create_opportunity=bool(text(data, "create_opportunity")),
        )
    except ValidationError as exc:
        ctx.session.rollback()
        return _convert_page(request, ctx, lead_id, error=exc.message, status_code=422)
    return Redirect(f"/customers/{done.customer.id}", status_code=303)


ROUTES = [qualify_lead, discard_lead, reopen_lead, convert_page, convert]
