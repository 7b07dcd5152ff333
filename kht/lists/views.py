"""List page form handlers: saving a view and running a bulk operation, for any list kind."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.lists import bulk, service
from kht.lists.engine import parse_filter
from kht.lists.service import get_view, view_filters
from kht.records import record_kind


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


ROUTES = [save_view, bulk_action]
