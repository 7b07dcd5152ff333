"""Organisation page: the department tree, branches and business lines."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.views_account import field
from kht.context import RequestCtx
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.org import service
from kht.org.models import Branch, BusinessLine
from kht.web.i18n import N_
from kht.web.pages import render

ORG = "/admin/org"
# URL segment → (model, section title) of the two flat unit lists.
UNITS: dict[str, tuple[type[Branch] | type[BusinessLine], str]] = {
    "branches": (Branch, N_("Branches")),
    "business-lines": (BusinessLine, N_("Business lines")),
}
NOTICES = {
    "added": N_("Added."),
    "saved": N_("The changes have been saved."),
    "deleted": N_("Deleted."),
}
# Service messages this page can show, so the catalog translates them.
MESSAGES = (
    N_("name is required"),
    N_("a department cannot move under itself"),
    N_("the department has sub-departments; move or delete them first"),
    N_("the department has users; move them first"),
    N_("users still belong to it; move them first"),
)
REFUSALS = (ValidationError, Conflict)


def _parent_id(data: dict[str, Any]) -> int | None:
    text = field(data, "parent_id")
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError("parent_id must be a number", "parent_id")
    return int(text)


def _unit(unit: str) -> type[Branch] | type[BusinessLine]:
    if unit not in UNITS:
        raise NotFound(f"no such list: {unit}")
    return UNITS[unit][0]


def _org_page(request: Request, ctx: RequestCtx, **values: Any) -> Template:
    session = service.require_admin(ctx, "view")
    departments = service.list_departments(session)
    units = {
        key: (title, service.list_units(session, model)) for key, (model, title) in UNITS.items()
    }
    values.setdefault("form", {})
    return render(
        request,
        ctx,
        "org/index.html",
        departments=[(d, d.path.count("/") - 2) for d in departments],
        names={d.id: d.name for d in departments},
        units=units,
        notice=NOTICES.get(request.query_params.get("done", "")),
        **values,
    )


def _refused(
    request: Request, ctx: RequestCtx, exc: KhtError, where: str, data: dict[str, Any]
) -> Template:
    """The page again with the message at the form `where`, still holding what was typed."""
    ctx.session.rollback()
    form = {key: field(data, key) for key in data}
    return _org_page(
        request, ctx, status_code=exc.status, error=exc.message, error_where=where, form=form
    )


def _done(notice: str, anchor: str) -> Redirect:
    return Redirect(f"{ORG}?done={notice}#{anchor}", status_code=303)


@get(ORG, sync_to_thread=True, include_in_schema=False)
def org_page(request: Request, ctx: RequestCtx) -> Template:
    return _org_page(request, ctx)


@post(f"{ORG}/departments", sync_to_thread=True, include_in_schema=False)
def add_department(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    try:
        session = service.require_admin(ctx, "create")
        service.create_department(session, field(data, "name"), _parent_id(data))
    except REFUSALS as exc:
        return _refused(request, ctx, exc, "department-new", data)
    return _done("added", "departments")


@post(f"{ORG}/departments/{{department_id:int}}", sync_to_thread=True, include_in_schema=False)
def change_department(
    request: Request,
    ctx: RequestCtx,
    department_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Rename and/or move under another parent (its subtree moves along)."""
    try:
        session = service.require_admin(ctx, "edit")
        service.update_department(session, department_id, field(data, "name"), _parent_id(data))
    except REFUSALS as exc:
        return _refused(request, ctx, exc, f"department-{department_id}", data)
    return _done("saved", "departments")


@post(
    f"{ORG}/departments/{{department_id:int}}/delete",
    sync_to_thread=True,
    include_in_schema=False,
)
def delete_department(
    request: Request, ctx: RequestCtx, department_id: FromPath[int]
) -> Template | Redirect:
    try:
        service.delete_department(service.require_admin(ctx, "delete"), department_id)
    except REFUSALS as exc:
        return _refused(request, ctx, exc, f"department-{department_id}", {})
    return _done("deleted", "departments")


@post(f"{ORG}/{{unit:str}}", sync_to_thread=True, include_in_schema=False)
def add_unit(
    request: Request, ctx: RequestCtx, unit: FromPath[str], data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    model = _unit(unit)
    try:
        session = service.require_admin(ctx, "create")
        service.create_unit(session, model, field(data, "name"), field(data, "code"))
    except REFUSALS as exc:
        return _refused(request, ctx, exc, f"{unit}-new", data)
    return _done("added", unit)


@post(f"{ORG}/{{unit:str}}/{{unit_id:int}}", sync_to_thread=True, include_in_schema=False)
def change_unit(
    request: Request,
    ctx: RequestCtx,
    unit: FromPath[str],
    unit_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    model = _unit(unit)
    try:
        session = service.require_admin(ctx, "edit")
        service.update_unit(session, model, unit_id, field(data, "name"), field(data, "code"))
    except REFUSALS as exc:
        return _refused(request, ctx, exc, f"{unit}-{unit_id}", data)
    return _done("saved", unit)


@post(f"{ORG}/{{unit:str}}/{{unit_id:int}}/delete", sync_to_thread=True, include_in_schema=False)
def delete_unit(
    request: Request, ctx: RequestCtx, unit: FromPath[str], unit_id: FromPath[int]
) -> Template | Redirect:
    model = _unit(unit)
    try:
        service.delete_unit(service.require_admin(ctx, "delete"), model, unit_id)
    except REFUSALS as exc:
        return _refused(request, ctx, exc, f"{unit}-{unit_id}", {})
    return _done("deleted", unit)


ROUTES = [
    org_page,
    add_department,
    change_department,
    delete_department,
    add_unit,
    change_unit,
    delete_unit,
]
