"""Duplicate customers UI: the list of likely pairs and the side-by-side compare-and-merge page."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery, Parameter, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht.auth.models import User
from kht.context import RequestCtx
from kht.customers.models import CustomerCategory
from kht.errors import Conflict, ValidationError
from kht.fields import fields_for
from kht.merge import service
from kht.merge.schemas import MergeIn
from kht.web.i18n import N_, translations
from kht.web.pages import render

FIELD_LABELS = {
    "name": N_("Name"),
    "kind": N_("Type"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "website": N_("Website"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "source": N_("Source"),
    "category_id": N_("Category"),
    "owner_id": N_("Owner"),
}
REASONS = {"phone": N_("Same phone"), "email": N_("Same email"), "name": N_("Similar name")}
KINDS = {"company": N_("Company"), "person": N_("Person")}
MESSAGES = (
    N_("a record cannot be merged into itself"),
    N_("One of the two customers was changed meanwhile: check the values again and merge."),
)


@get("/customers/duplicates", sync_to_thread=True, include_in_schema=False)
def duplicates_page(
    request: Request, ctx: RequestCtx, limit: int = Parameter(ge=1, le=1000, default=100)
) -> Template:
    """Pairs of customers in scope that look like one, with a link to compare and merge."""
    pairs = service.find_duplicate_customers(ctx, limit)
    return render(request, ctx, "merge/duplicates.html", pairs=pairs, reasons=REASONS)


def _shown(ctx: RequestCtx, records: tuple[Any, Any]) -> Any:
    """A function giving the text a page shows for one field value."""
    gettext = translations(ctx.language).gettext
    owners = {r.owner_id for r in records if r.owner_id}
    people = dict(ctx.session.execute(select(User.id, User.name).where(User.id.in_(owners))).all())
    categories = dict(ctx.session.execute(select(CustomerCategory.id, CustomerCategory.name)).all())

    def show(key: str, value: Any) -> str:
        if key == "owner_id":
            return people.get(value, "") if value else gettext("Shared pool")
        if key == "category_id":
            return categories.get(value, "") if value else ""
        if key == "kind":
            return gettext(KINDS.get(value, value))
        if isinstance(value, list):
            return ", ".join(map(str, value))
        return "" if value is None else str(value)

    return show


def _rows(ctx: RequestCtx, survivor: Any, merged: Any) -> list[dict[str, Any]]:
    """One row per field: label, both values as shown, and which one is picked by default."""
    gettext = translations(ctx.language).gettext
    show = _shown(ctx, (survivor, merged))
    values = [
        (key, gettext(FIELD_LABELS[key]), key, getattr(survivor, key), getattr(merged, key))
        for key in service.CUSTOMERS.fields
    ]
    for field in fields_for(ctx, "customer"):
        mine = (survivor.ext or {}).get(field.namespace, {}).get(field.name)
        theirs = (merged.ext or {}).get(field.namespace, {}).get(field.name)
        values.append((field.key, field.label(ctx.language), "", mine, theirs))
    return [
        {
            "key": key,
            "label": label,
            "survivor": show(kind, mine),
            "merged": show(kind, theirs),
            "same": mine == theirs,
            "pick": service.pick({}, key, mine, theirs),
        }
        for key, label, kind, mine, theirs in values
    ]


def _compare_page(
    request: Request, ctx: RequestCtx, survivor_id: int, merged_id: int, **values: Any
) -> Template:
    survivor, merged = service.compare(ctx, survivor_id, merged_id)
    return render(
        request,
        ctx,
        "merge/compare.html",
        survivor=survivor,
        merged=merged,
        rows=_rows(ctx, survivor, merged),
        **values,
    )


@get("/customers/merge", sync_to_thread=True, include_in_schema=False)
def compare_page(
    request: Request, ctx: RequestCtx, survivor: FromQuery[int], merged: FromQuery[int]
) -> Template:
    """Two customers side by side; radio buttons pick each value the survivor keeps."""
    if survivor == merged:
        raise ValidationError("a record cannot be merged into itself", "merged")
    return _compare_page(request, ctx, survivor, merged)


def _form(data: dict[str, Any]) -> MergeIn:
    def number(key: str) -> int:
        text = str(data.get(key, "")).strip()
        if not text.isdigit():
            raise ValidationError(f"{key} must be a number", key)
        return int(text)

    choices = {
        key.removeprefix("choice."): str(value)
        for key, value in data.items()
        if key.startswith("choice.") and value in ("survivor", "merged")
    }
    return MergeIn(
        survivor_id=number("survivor_id"),
        merged_id=number("merged_id"),
        version_survivor=number("version_survivor"),
        version_merged=number("version_merged"),
        choices=choices,  # type: ignore[arg-type]
    )


@post("/customers/merge", sync_to_thread=True, include_in_schema=False)
def merge_from_page(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    """Merge as picked; if either customer changed meanwhile, show the fresh values (409)."""
    form = _form(data)
    try:
        result = service.merge_customers(ctx, **msgspec.structs.asdict(form))
    except Conflict:
        ctx.session.rollback()
        message = N_(
            "One of the two customers was changed meanwhile: check the values again and merge."
        )
        return _compare_page(
            request, ctx, form.survivor_id, form.merged_id, status_code=409, error=message
        )
    return Redirect(f"/customers/{result.survivor_id}", status_code=303)


ROUTES = [duplicates_page, compare_page, merge_from_page]
