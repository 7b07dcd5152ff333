"""Custom-field administration page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import RequestCtx
from kht.customfields import service
from kht.db.custom_fields import FIELD_TYPES, FieldDef
from kht.errors import KhtError
from kht.web.i18n import N_
from kht.web.pages import render

KIND_LABELS = {
    "customer": ("客户", "Customers"),
    "contact": ("联系人", "Contacts"),
    "lead": ("线索", "Leads"),
}
# What each field type is called on screen (the stored key is an identifier, not UI text).
TYPE_LABELS = {
    "text": N_("Text"),
    "long_text": N_("Long text"),
    "number": N_("Number"),
    "money": N_("Money"),
    "date": N_("Date"),
    "single_choice": N_("Single choice"),
    "multi_choice": N_("Multiple choice"),
    "user": N_("User"),
    "boolean": N_("Yes/no"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "url": N_("Web address"),
}


def _page(
    request: Request,
    ctx: RequestCtx,
    kind: str,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Template:
    return render(
        request,
        ctx,
        "customfields/fields.html",
        status_code=status,
        kind=kind,
        kinds=KIND_LABELS,
        fields=service.list_fields(ctx, kind),
        types=FIELD_TYPES,
        type_labels=TYPE_LABELS,
        error=error,
        form=form or {},
    )


@get("/admin/fields", sync_to_thread=True, include_in_schema=False)
def fields_page(request: Request, ctx: RequestCtx, kind: FromQuery[str] = "customer") -> Template:
    return _page(request, ctx, kind)


def _choices(data: dict[str, Any]) -> tuple[str, ...]:
    raw = str(data.get("choices", "")).replace("，", ",").replace("\n", ",")
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@post("/admin/fields", sync_to_thread=True, include_in_schema=False)
def add_field(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    kind = str(data.get("kind", "customer"))
    definition = FieldDef(
        name=str(data.get("name", "")).strip(),
        type=str(data.get("type", "text")),  # type: ignore[arg-type]
        label_zh=str(data.get("label_zh", "")),
        label_en=str(data.get("label_en", "")),
        required=data.get("required") == "1",
        choices=_choices(data),
        help=str(data.get("help", ""))[:500],
    )
    try:
        service.add_field(ctx, kind, definition)
    except KhtError as exc:
        if exc.status in (401, 403):
            raise
        ctx.session.rollback()
        return _page(request, ctx, kind, error=exc.message, form=data, status=exc.status)
    return Redirect(f"/admin/fields?kind={kind}")


@post("/admin/fields/{field_id:int}", sync_to_thread=True, include_in_schema=False)
def change_field(
    ctx: RequestCtx, field_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Retire/restore, move up/down, or change labels and choices."""
    field = service.get_field(ctx, field_id)
    operation = data.get("op")
    if operation in ("retire", "restore"):
        service.set_retired(ctx, field_id, operation == "retire")
    elif operation in ("up", "down"):
        ids = [f.id for f in service.list_fields(ctx, field.kind, include_retired=False)]
        index = ids.index(field_id)
        other = index - 1 if operation == "up" else index + 1
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
            service.reorder(ctx, field.kind, ids)
    else:
        service.update_field(
            ctx,
            field_id,
            label_zh=str(data.get("label_zh") or field.label_zh),
            label_en=str(data.get("label_en") or field.label_en),
            required=data.get("required") == "1",
            choices=list(_choices(data)) or None,
        )
    return Redirect(f"/admin/fields?kind={field.kind}")


ROUTES = [fields_page, add_field, change_field]
