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
    "customer_id": N_("Customer"),
    "title": N_("Title"),
    "department": N_("Department"),
    "role": N_("Role"),
    "influence": N_("Influence"),
    "attitude": N_("Attitude"),
    "mobile": N_("Mobile"),
    "wechat": N_("WeChat"),
    "birthday": N_("Birthday"),
}
REASONS = {"phone": N_("Same phone"), "email": N_("Same email"), "name": N_("Similar name")}
KINDS = {"company": N_("Company"), "person": N_("Person")}
PAGES = {
    "customers": {
        "list_title": N_("Customers"),
        "title": N_("Duplicate customers"),
        "found": N_(
            "Customers with the same phone or email, or nearly the same name once "
            "suffixes such as 有限公司 or Co., Ltd. are left out."
        ),
        "explanation": N_(
            "Pick the value to keep for each field. The kept customer receives "
            "the contacts, leads, actions, tags, groups and files of the other "
            "one, which then goes to the recycle bin."
        ),
    },
    "contacts": {
        "list_title": N_("Contacts"),
        "title": N_("Duplicate contacts"),
        "found": N_(
            "Contacts of one customer with the same mobile, phone or email, or "
            "nearly the same name."
        ),
        "explanation": N_(
            "Pick the value to keep for each field. The kept contact receives "
            "the leads, actions, tags and files of the other one, which then "
            "goes to the recycle bin."
        ),
    },
}
MESSAGES = (
    N_("a record cannot be merged into itself"),
    N_("One of the two customers was changed meanwhile: check the values again and merge."),
)


def _texts(ctx: RequestCtx, base: str) -> dict[str, str]:
    gettext = translations(ctx.language).gettext
    texts = {key: gettext(value) for key, value in PAGES[base].items()}
    return {**texts, "base": base}


def _duplicates(ctx: RequestCtx, base: str, limit: int) -> list[Any]:
    if base == "contacts":
        return service.find_duplicate_contacts(ctx, limit)
    return service.find_duplicate_customers(ctx, limit)


def _merge_fields(base: str) -> tuple[str, ...]:
    return (service.CONTACTS if base == "contacts" else service.CUSTOMERS).fields


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


def _rows(ctx: RequestCtx, base: str, survivor: Any, merged: Any) -> list[dict[str, Any]]:
    """One row per field: label, both values as shown, and which one is picked by default."""
    gettext = translations(ctx.language).gettext
    show = _shown(ctx, (survivor, merged))
    values = [
        (
            key,
            gettext(FIELD_LABELS.get(key, key)),
            key,
            getattr(survivor, key),
            getattr(merged, key),
        )
        for key in _merge_fields(base)
    ]
    fields = {field.key: field for field in fields_for(ctx, base[:-1])}
    for field in fields.values():
        mine = (survivor.ext or {}).get(field.namespace, {}).get(field.name)
        theirs = (merged.ext or {}).get(field.namespace, {}).get(field.name)
        values.append((field.key, field.label(ctx.language), "", mine, theirs))

    def shown(kind: str, key: str, value: Any) -> str:
        field = fields.get(key)
        return show(kind, field.shown(value, ctx.language) if field else value)

    return [
        {
            "key": key,
            "label": label,
            "survivor": shown(kind, key, mine),
            "merged": shown(kind, key, theirs),
            "same": mine == theirs,
            "pick": service.pick({}, key, mine, theirs),
        }
        for key, label, kind, mine, theirs in values
    ]


def _compare_page(
    request: Request, ctx: RequestCtx, base: str, survivor_id: int, merged_id: int, **values: Any
) -> Template:
    survivor, merged = service.compare(ctx, survivor_id, merged_id, kind=base[:-1])
    return render(
        request,
        ctx,
        "merge/compare.html",
        survivor=survivor,
        merged=merged,
        rows=_rows(ctx, base, survivor, merged),
        **_texts(ctx, base),
        **values,
    )


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


def _routes(base: str) -> list[Any]:
    """The duplicates, compare and merge pages of customers or contacts.

    Each kind gets its own handler objects: litestar wraps a sync handler again when one
    object is registered on a second path.
    """

    @get(f"/{base}/duplicates", sync_to_thread=True, include_in_schema=False)
    def duplicates_page(
        request: Request, ctx: RequestCtx, limit: int = Parameter(ge=1, le=1000, default=100)
    ) -> Template:
        """Pairs in scope that look like one, with a link to compare and merge."""
        texts = _texts(ctx, base)
        texts["explanation"] = texts["found"]
        return render(
            request,
            ctx,
            "merge/duplicates.html",
            reasons=REASONS,
            pairs=_duplicates(ctx, base, limit),
            **texts,
        )

    @get(f"/{base}/merge", sync_to_thread=True, include_in_schema=False)
    def compare_page(
        request: Request, ctx: RequestCtx, survivor: FromQuery[int], merged: FromQuery[int]
    ) -> Template:
        """Two records side by side; radio buttons pick each value the survivor keeps."""
        if survivor == merged:
            raise ValidationError("a record cannot be merged into itself", "merged")
        return _compare_page(request, ctx, base, survivor, merged)

    @post(f"/{base}/merge", sync_to_thread=True, include_in_schema=False)
    def merge_from_page(
        request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
    ) -> Template | Redirect:
        """Merge as picked; if either record changed meanwhile, show the fresh values (409)."""
        form = _form(data)
        merge = service.merge_contacts if base == "contacts" else service.merge_customers
        try:
            result = merge(ctx, **msgspec.structs.asdict(form))
        except Conflict:
            ctx.session.rollback()
            message = N_(
                "One of the two customers was changed meanwhile: check the values again and merge."
            )
            return _compare_page(
                request, ctx, base, form.survivor_id, form.merged_id, status_code=409, error=message
            )
        return Redirect(f"/{base}/{result.survivor_id}", status_code=303)

    return [duplicates_page, compare_page, merge_from_page]


ROUTES = [*_routes("customers"), *_routes("contacts")]
