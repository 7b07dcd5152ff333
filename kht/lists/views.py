"""List page form handlers: saving a view and running a bulk operation, for any list kind."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht import record_service as records
from kht.context import Ctx, RequestCtx
from kht.errors import Conflict, ValidationError
from kht.lists import bulk, inline, service
from kht.lists.engine import parse_filter
from kht.lists.service import get_view, view_filters
from kht.lists.ui import cell, labelled, moment
from kht.records import record_kind
from kht.web.pages import DENSITY_COOKIE, render

DENSITIES = ("compact", "comfortable")
DENSITY_YEARS = 1


def _all(data: dict[str, Any], key: str) -> list[str]:
    raw = data.get(key, [])
    return [str(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v) != ""]


def _one(data: dict[str, Any], key: str) -> str:
    values = _all(data, key)
    return values[-1].strip() if values else ""


def _back(data: dict[str, Any], default: str) -> str:
    target = _one(data, "back") or default
    return target if target.startswith("/") and not target.startswith("//") else default


def _list_spec(ctx: Ctx, kind: str) -> Any:
    spec = record_kind(ctx, kind)
    if spec.columns is None or spec.query is None:
        raise ValidationError(f"{kind!r} has no list", "kind")
    return spec


@post("/lists/views", sync_to_thread=True, include_in_schema=False)
def save_view(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """Save the list's current filters, sort and columns under a name."""
    spec = _list_spec(ctx, _one(data, "kind"))
    view = service.save_view(
        ctx,
        spec.kind,
        spec.columns(ctx),
        name=_one(data, "name"),
        filters=[parse_filter(item) for item in _all(data, "f")],
        sort=_one(data, "sort") or "-updated_at",
        shown=_all(data, "c"),
        shared=_one(data, "shared") == "1",
        segment=_one(data, "segment") == "1",
    )
    base = _back(data, "/")
    return Redirect(f"{base.split('?')[0]}?view={view.id}", status_code=303)


def _ids(ctx: Ctx, spec: Any, data: dict[str, Any]) -> list[int]:
    view = _one(data, "view")
    filters = view_filters(get_view(ctx, int(view))) if view.isdigit() else []
    filters += [parse_filter(item) for item in _all(data, "f")]
    query = spec.query(
        ctx, q=_one(data, "q"), filters=filters, deleted=_one(data, "deleted") == "1"
    )
    chosen = (
        None if _one(data, "all") == "1" else [int(i) for i in _all(data, "ids") if i.isdigit()]
    )
    if chosen == []:
        raise ValidationError("select at least one record", "ids")
    return bulk.selected_ids(ctx, spec, query, chosen)


def run(ctx: Ctx, spec: Any, data: dict[str, Any]) -> int:
    """Run the chosen bulk action on the selection (see kht.lists.bulk)."""
    action = _one(data, "action")
    ids = _ids(ctx, spec, data)
    if action == "assign":
        owner = _one(data, "owner_id")
        return bulk.assign(ctx, spec, ids, int(owner) if owner.isdigit() else None)
    if action in ("tag", "untag"):
        tag = [_one(data, "tag")] if _one(data, "tag") else []
        if not tag:
            raise ValidationError("name the tag", "tag")
        return bulk.tag(
            ctx, spec, ids, tag if action == "tag" else [], tag if action == "untag" else []
        )
    if action == "set":
        return bulk.set_field(
            ctx, spec, spec.columns(ctx), ids, _one(data, "field"), _one(data, "value") or None
        )
    if action == "group" and spec.kind == "customer":
        from kht.customers.groups import add_members

        return add_members(ctx, int(_one(data, "group_id") or 0), ids)
    if action == "delete":
        return bulk.delete(ctx, spec, ids)
    if action == "restore":
        return bulk.restore(ctx, spec, ids)
    raise ValidationError(f"unknown bulk action {action!r}", "action")


@post("/lists/bulk/{kind:str}", sync_to_thread=True, include_in_schema=False)
def bulk_action(
    ctx: RequestCtx, kind: FromPath[str], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """The bulk bar of a list page; any error shows the error page and changes nothing."""
    run(ctx, _list_spec(ctx, kind), data)
    return Redirect(_back(data, "/"), status_code=303)


@post("/lists/density", sync_to_thread=True, include_in_schema=False)
def density(data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """Remember compact or comfortable list rows in this browser, then go back."""
    chosen = _one(data, "density")
    if chosen not in DENSITIES:
        raise ValidationError(f"density must be one of: {', '.join(DENSITIES)}", "density")
    answer = Redirect(_back(data, "/"), status_code=303)
    answer.set_cookie(DENSITY_COOKIE, chosen, max_age=DENSITY_YEARS * 365 * 86400, samesite="lax")
    return answer


@get(
    "/lists/cell/{kind:str}/{record_id:int}/{key:str}", sync_to_thread=True, include_in_schema=False
)
def cell_view(
    request: Request,
    ctx: RequestCtx,
    kind: FromPath[str],
    record_id: FromPath[int],
    key: FromPath[str],
    edit: FromQuery[bool] = False,
) -> Template:
    """One editable cell of a list: its value, or (`edit`) its in-place editor."""
    spec, column = inline.editable_column(ctx, kind, key)
    record = records.get_record(ctx, spec, record_id)
    value = cell(record, column)
    if edit:
        text = "" if value is None else str(value)
        return _editor(request, ctx, spec, column, record, text, str(record.version))
    return _shown(request, ctx, spec, column, record)


@post(
    "/lists/cell/{kind:str}/{record_id:int}/{key:str}", sync_to_thread=True, include_in_schema=False
)
def cell_save(
    request: Request,
    ctx: RequestCtx,
    kind: FromPath[str],
    record_id: FromPath[int],
    key: FromPath[str],
    data: URLEncodedBody[dict[str, Any]],
) -> Template:
    """Save one cell (with the version the list showed); a refusal is shown beside it."""
    spec, column = inline.editable_column(ctx, kind, key)
    text, version = _one(data, "inline_value"), _one(data, "inline_version")
    try:
        record = inline.save_cell(ctx, spec, column, record_id, version, text)
    except (Conflict, ValidationError) as exc:
        record = records.get_record(ctx, spec, record_id)
        error = {"error": exc.message, "conflict": isinstance(exc, Conflict)}
        return _editor(request, ctx, spec, column, record, text, version, exc.status, **error)
    return _shown(request, ctx, spec, column, record)


def _shown(request: Request, ctx: Ctx, spec: Any, column: Any, record: Any) -> Template:
    column = labelled(spec.kind, column)
    values = {"kind": spec.kind, "row": record, "col": column, "value": cell(record, column)}
    return render(request, ctx, "lists/_cell.html", moment=lambda v: moment(ctx, v), **values)


def _editor(
    request: Request,
    ctx: Ctx,
    spec: Any,
    column: Any,
    record: Any,
    text: str,
    version: str,
    status_code: int = 200,
    *,
    error: str = "",
    conflict: bool = False,
) -> Template:
    column = labelled(spec.kind, column)
    values = {"kind": spec.kind, "row": record, "col": column, "text": text, "version": version}
    return render(
        request,
        ctx,
        "lists/_cell_edit.html",
        status_code=status_code,
        error=error,
        conflict=conflict,
        **values,
    )


ROUTES = [save_view, bulk_action, density, cell_view, cell_save]
