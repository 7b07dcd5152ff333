"""Contact UI pages: thin views over kht.contacts.service."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.contacts import service
from kht.contacts.models import ATTITUDES, INFLUENCE, ROLES
from kht.contacts.schemas import ContactCreate, ContactMove, ContactUpdate
from kht.contacts.ui import (
    ext_from_form,
    history_rows,
    people,
    record_panels,
    text,
    to_struct,
)
from kht.context import RequestCtx
from kht.customers.models import Customer
from kht.customers.service import scoped_query as customers_in_scope
from kht.errors import ValidationError
from kht.fields import fields_for
from kht.lists.bulk import owner_choices
from kht.lists.ui import ListState, list_context
from kht.tags.service import tags_of
from kht.web.i18n import N_, translations
from kht.web.pages import render

PAGE_SIZE = 50
PICKER_LIMIT = 500
FIELD_LABELS = {
    "customer_id": N_("Customer"),
    "name": N_("Name"),
    "title": N_("Title"),
    "department": N_("Department"),
    "role": N_("Role"),
    "influence": N_("Influence"),
    "attitude": N_("Attitude"),
    "phone": N_("Phone"),
    "mobile": N_("Mobile"),
    "email": N_("Email"),
    "wechat": N_("WeChat"),
    "birthday": N_("Birthday"),
    "notes": N_("Notes"),
    "owner_id": N_("Owner"),
    "ext": N_("Custom fields"),
}
CHOICE_LABELS = {
    "decision_maker": N_("Decision maker"),
    "influencer": N_("Influencer"),
    "user": N_("User"),
    "gatekeeper": N_("Gatekeeper"),
    "other": N_("Other"),
    "low": N_("Low"),
    "medium": N_("Medium"),
    "high": N_("High"),
    "supportive": N_("Supportive"),
    "neutral": N_("Neutral"),
    "opposed": N_("Opposed"),
    "unknown": N_("Unknown"),
}
TEXT_FIELDS = ("name", "title", "department", "phone", "mobile", "email", "wechat", "notes")
CHOICES = {"role": ROLES, "influence": INFLUENCE, "attitude": ATTITUDES}
# Each choice field's values with their labels, for the history.
CHOICE_FIELDS = {key: {v: CHOICE_LABELS[v] for v in values} for key, values in CHOICES.items()}
DEFAULTS = {"role": "other", "influence": "medium", "attitude": "unknown"}


def _form_values(ctx: RequestCtx, data: dict[str, Any]) -> dict[str, Any]:
    """The contact fields of a submitted form (customer and version are read separately)."""
    found: dict[str, Any] = {key: text(data, key) for key in TEXT_FIELDS}
    found.update({key: text(data, key) or DEFAULTS[key] for key in CHOICES})
    found["birthday"] = text(data, "birthday") or None
    found["ext"] = ext_from_form(fields_for(ctx, service.KIND), data)
    return found


def _number(data: dict[str, Any], key: str) -> Any:
    raw = text(data, key)
    return int(raw) if raw.isdigit() else raw


def _customers(ctx: RequestCtx) -> list[Customer]:
    query = customers_in_scope(ctx).order_by(Customer.name).limit(PICKER_LIMIT)
    return list(ctx.session.scalars(query))


def _form_page(
    request: Request,
    ctx: RequestCtx,
    *,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "contacts/new.html",
        status_code=status_code,
        form=form,
        errors=errors,
        customers=_customers(ctx),
        fields=fields_for(ctx, service.KIND),
        choices=CHOICES,
        labels=CHOICE_LABELS,
    )


@get("/contacts", sync_to_thread=True, include_in_schema=False)
def contact_list(request: Request, ctx: RequestCtx) -> Template:
    """Contacts in scope on the shared list page (filters, columns, views, bulk actions)."""
    state = ListState.from_query(request.query_params)
    rows, total = service.list_contacts(
        ctx,
        page=state.page,
        page_size=state.page_size,
        q=state.q,
        sort=state.sort,
        filters=state.filters(ctx),
        deleted=state.deleted,
    )
    owners = owner_choices(ctx)
    extra = {
        "title": translations(ctx.language).gettext(N_("Contacts")),
        "new_url": "/contacts/new",
        "actions": [
            {
                "url": "/contacts/duplicates",
                "label": translations(ctx.language).gettext(N_("Duplicates")),
            }
        ],
        "row_url": lambda row: f"/contacts/{row.id}",
        "people": dict(owners),
        "owners": owners,
        "refs": {"customer_id": service.customer_names(ctx, {r.customer_id for r in rows})},
        "tags": tags_of(ctx, service.KIND, [row.id for row in rows]),
    }
    context = list_context(
        ctx,
        kind=service.KIND,
        base="/contacts",
        state=state,
        columns=service.columns(ctx),
        rows=rows,
        total=total,
        extra=extra,
    )
    return render(request, ctx, "lists/list.html", **context)


@get("/contacts/new", sync_to_thread=True, include_in_schema=False)
def new_contact_page(
    request: Request, ctx: RequestCtx, customer_id: FromQuery[int | None] = None
) -> Template:
    """The form for a new contact, at `customer_id` when coming from a customer page."""
    form = {"customer_id": customer_id, **DEFAULTS, "ext": {}}
    return _form_page(request, ctx, form=form, errors={})


@post("/contacts", sync_to_thread=True, include_in_schema=False)
def create_contact(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    values = _form_values(ctx, data)
    values["customer_id"] = _number(data, "customer_id")
    try:
        contact = service.create_contact(ctx, to_struct(values, ContactCreate))
    except ValidationError as exc:
        ctx.session.rollback()
        return _form_page(
            request, ctx, form=values, errors={exc.field or "": exc.message}, status_code=422
        )
    return Redirect(f"/contacts/{contact.id}", status_code=303)


def _detail(
    request: Request,
    ctx: RequestCtx,
    contact_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Template:
    contact = service.get_contact(ctx, contact_id)
    fields = fields_for(ctx, service.KIND)
    names = service.customer_names(ctx, {contact.customer_id})
    return render(
        request,
        ctx,
        "contacts/detail.html",
        status_code=status_code,
        contact=contact,
        form=form or {},
        errors=errors or {},
        fields=fields,
        choices=CHOICES,
        labels=CHOICE_LABELS,
        customer_name=names.get(contact.customer_id),
        customers=_customers(ctx),
        owner=people(ctx, {contact.owner_id}).get(contact.owner_id),
        panels=record_panels(ctx, service.KIND, contact),
        history=history_rows(ctx, service.KIND, contact.id, FIELD_LABELS, CHOICE_FIELDS),
        tz=ctx.zone,
    )


@get("/contacts/{contact_id:int}", sync_to_thread=True, include_in_schema=False)
def contact_page(request: Request, ctx: RequestCtx, contact_id: FromPath[int]) -> Template:
    """One contact: fields, the edit and move forms, panels and history (404 out of scope)."""
    return _detail(request, ctx, contact_id)


@post("/contacts/{contact_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_contact(
    request: Request,
    ctx: RequestCtx,
    contact_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the edit form; a stale version answers with the 409 page, nothing saved."""
    values = _form_values(ctx, data)
    values["version"] = _number(data, "version")
    try:
        service.update_contact(ctx, contact_id, to_struct(values, ContactUpdate))
    except ValidationError as exc:
        ctx.session.rollback()
        return _detail(
            request,
            ctx,
            contact_id,
            errors={exc.field or "": exc.message},
            form=values,
            status_code=422,
        )
    return Redirect(f"/contacts/{contact_id}", status_code=303)


@post("/contacts/{contact_id:int}/move", sync_to_thread=True, include_in_schema=False)
def move_contact(
    request: Request,
    ctx: RequestCtx,
    contact_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    raw = {"version": _number(data, "version"), "customer_id": _number(data, "customer_id")}
    try:
        move = to_struct(raw, ContactMove)
        service.move_contact(ctx, contact_id, move.customer_id, move.version)
    except ValidationError as exc:
        ctx.session.rollback()
        return _detail(request, ctx, contact_id, errors={"move": exc.message}, status_code=422)
    return Redirect(f"/contacts/{contact_id}", status_code=303)


@post("/contacts/{contact_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_contact(ctx: RequestCtx, contact_id: FromPath[int]) -> Redirect:
    service.delete_contact(ctx, contact_id)
    return Redirect("/contacts", status_code=303)


ROUTES = [
    contact_list,
    new_contact_page,
    create_contact,
    contact_page,
    edit_contact,
    move_contact,
    delete_contact,
]
