"""Lead UI pages: thin views over kht.leads.service, .convert and .duplicates."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts.ui import (
    ext_from_form,
    history_rows,
    people,
    record_panels,
    text,
    to_struct,
    zone,
)
from kht.context import RequestCtx
from kht.customers.models import Customer
from kht.customers.service import scoped_query as customers_in_scope
from kht.errors import ValidationError
from kht.fields import fields_for
from kht.leads import service
from kht.leads.convert import convert_lead
from kht.leads.duplicates import find_duplicates
from kht.leads.models import STATUSES
from kht.leads.schemas import LeadCreate, LeadUpdate
from kht.lists.bulk import owner_choices
from kht.lists.ui import ListState, list_context
from kht.tags.service import tags_of
from kht.web.i18n import N_, translations
from kht.web.pages import render

PAGE_SIZE = 50
PICKER_LIMIT = 500
TEXT_FIELDS = ("name", "company", "title", "phone", "email", "source", "notes")
STATUS_LABELS = {
    "new": N_("New"),
    "working": N_("Working"),
    "qualified": N_("Qualified"),
    "discarded": N_("Discarded"),
    "converted": N_("Converted"),
}
FIELD_LABELS = {
    "name": N_("Name"),
    "company": N_("Company"),
    "title": N_("Title"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "source": N_("Source"),
    "status": N_("Status"),
    "discard_reason": N_("Discard reason"),
    "notes": N_("Notes"),
    "owner_id": N_("Owner"),
    "customer_id": N_("Customer"),
    "contact_id": N_("Contact"),
    "converted_at": N_("Converted"),
    "ext": N_("Custom fields"),
}
WHY_LABELS = {"name": N_("same name"), "phone": N_("same phone"), "email": N_("same email")}
KIND_LABELS = {"lead": N_("Lead"), "customer": N_("Customer"), "contact": N_("Contact")}
SOURCES = ("展会", "官网", "电话", "referral", "web form")


def _form_values(ctx: RequestCtx, data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {key: text(data, key) for key in TEXT_FIELDS}
    found["ext"] = ext_from_form(fields_for(ctx, service.KIND), data)
    return found


def _number(data: dict[str, Any], key: str) -> Any:
    raw = text(data, key)
    return int(raw) if raw.isdigit() else raw


@get("/leads", sync_to_thread=True, include_in_schema=False)
def lead_list(request: Request, ctx: RequestCtx, status: FromQuery[str] = "") -> Template:
    """Leads in scope on the shared list page; `status=` (the tabs) is a status filter."""
    state = ListState.from_query(request.query_params)
    if status:
        state.f = [*state.f, f"status:eq:{status}"]
    rows, total = service.list_leads(
        ctx,
        page=state.page,
        page_size=state.page_size,
        q=state.q,
        sort=state.sort,
        filters=state.filters(ctx),
        deleted=state.deleted,
    )
    gettext = translations(ctx.language).gettext
    owners = owner_choices(ctx)
    extra = {
        "title": gettext(N_("Leads")),
        "new_url": "/leads/new",
        "row_url": lambda row: f"/leads/{row.id}",
        "people": dict(owners),
        "owners": owners,
        "tags": tags_of(ctx, service.KIND, [row.id for row in rows]),
        # Status labels for the cells and for the status chips above the list.
        "refs": {"status": {value: gettext(STATUS_LABELS[value]) for value in STATUSES}},
    }
    context = list_context(
        ctx,
        kind=service.KIND,
        base="/leads",
        state=state,
        columns=service.columns(ctx),
        rows=rows,
        total=total,
        extra=extra,
    )
    return render(request, ctx, "lists/list.html", **context)


def _new_page(
    request: Request,
    ctx: RequestCtx,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "leads/new.html",
        status_code=status_code,
        form=form,
        errors=errors,
        fields=fields_for(ctx, service.KIND),
        sources=SOURCES,
    )


@get("/leads/new", sync_to_thread=True, include_in_schema=False)
def new_lead_page(request: Request, ctx: RequestCtx) -> Template:
    return _new_page(request, ctx, {"ext": {}}, {})


@post("/leads", sync_to_thread=True, include_in_schema=False)
def create_lead(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _form_values(ctx, data)
    try:
        lead = service.create_lead(ctx, to_struct(values, LeadCreate))
    except ValidationError as exc:
        ctx.session.rollback()
        return _new_page(request, ctx, values, {exc.field or "": exc.message}, 422)
    return Redirect(f"/leads/{lead.id}", status_code=303)


def _detail(
    request: Request,
    ctx: RequestCtx,
    lead_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    lead = service.get_lead(ctx, lead_id)
    return render(
        request,
        ctx,
        "leads/detail.html",
        status_code=status_code,
        lead=lead,
        form=form or {},
        errors=errors or {},
        fields=fields_for(ctx, service.KIND),
        sources=SOURCES,
        status_labels=STATUS_LABELS,
        why_labels=WHY_LABELS,
        kind_labels=KIND_LABELS,
        duplicates=find_duplicates(ctx, lead),
        allowed=service.TRANSITIONS.get(lead.status, frozenset()),
        owner=people(ctx, {lead.owner_id}).get(lead.owner_id),
        panels=record_panels(ctx, service.KIND, lead),
        history=history_rows(ctx, service.KIND, lead.id, FIELD_LABELS, {"status": STATUS_LABELS}),
        tz=zone(ctx),
    )


@get("/leads/{lead_id:int}", sync_to_thread=True, include_in_schema=False)
def lead_page(request: Request, ctx: RequestCtx, lead_id: FromPath[int]) -> Template:
    """One lead: fields, possible duplicates, clean-up buttons, edit form, history."""
    return _detail(request, ctx, lead_id)


@post("/leads/{lead_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_lead(
    request: Request,
    ctx: RequestCtx,
    lead_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the edit form; a stale version answers with the 409 page, nothing saved."""
    values = {**_form_values(ctx, data), "version": _number(data, "version")}
    try:
        service.update_lead(ctx, lead_id, to_struct(values, LeadUpdate))
    except ValidationError as exc:
        ctx.session.rollback()
        return _detail(
            request,
            ctx,
            lead_id,
            errors={exc.field or "": exc.message},
            form=values,
            status_code=422,
        )
    return Redirect(f"/leads/{lead_id}", status_code=303)


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
        return _detail(request, ctx, lead_id, errors={"reason": exc.message}, status_code=422)
    return Redirect(f"/leads/{lead_id}", status_code=303)


@post("/leads/{lead_id:int}/reopen", sync_to_thread=True, include_in_schema=False)
def reopen_lead(
    ctx: RequestCtx, lead_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    service.reopen_lead(ctx, lead_id, _version(data))
    return Redirect(f"/leads/{lead_id}", status_code=303)


@post("/leads/{lead_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_lead(ctx: RequestCtx, lead_id: FromPath[int]) -> Redirect:
    service.delete_lead(ctx, lead_id)
    return Redirect("/leads", status_code=303)


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


ROUTES = [
    lead_list,
    new_lead_page,
    create_lead,
    lead_page,
    edit_lead,
    qualify_lead,
    discard_lead,
    reopen_lead,
    delete_lead,
    convert_page,
    convert,
]
