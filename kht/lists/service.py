"""Saved views of any list (own and shared); segments are saved customer views by name."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import or_, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Forbidden, NotFound, ValidationError
from kht.lists.engine import Column, Filter
from kht.lists.models import SavedView
from kht.records import record_kind


def _check(columns: dict[str, Column], filters: list[Filter], sort: str, shown: list[str]) -> None:
    for item in filters:
        if item.field not in columns:
            raise ValidationError(f"unknown field {item.field!r} in filter", "filters")
    if sort.lstrip("-") not in columns:
        raise ValidationError(f"cannot sort by {sort!r}", "sort")
    unknown = [key for key in shown if key not in columns]
    if unknown:
        raise ValidationError(f"unknown column(s): {', '.join(unknown)}", "columns")


def visible_views(ctx: Ctx, kind: str, *, segments_only: bool = False) -> list[SavedView]:
    """The acting user's own views of `kind` and everyone's shared ones."""
    require(ctx.user, record_kind(ctx, kind).module, "view")
    query = select(SavedView).where(
        SavedView.kind == kind, or_(SavedView.owner_id == ctx.user_id, SavedView.shared)
    )
    if segments_only:
        query = query.where(SavedView.segment)
    return list(ctx.session.scalars(query.order_by(SavedView.name)))


def get_view(ctx: Ctx, view_id: int) -> SavedView:
    """A view the user may use (own or shared), else NotFound."""
    view = ctx.session.get(SavedView, view_id)
    if view is None or not (view.shared or view.owner_id == ctx.user_id):
        raise NotFound(f"view {view_id} not found", "view")
    return view


def save_view(
    ctx: Ctx,
    kind: str,
    columns: dict[str, Column],
    *,
    name: str,
    filters: list[Filter],
    sort: str,
    shown: list[str],
    shared: bool = False,
    segment: bool = False,
) -> SavedView:
    """Save the current filters, sort and columns; sharing needs the module's assign right."""
    module = record_kind(ctx, kind).module
    require(ctx.user, module, "view")
    if shared:
        require(ctx.user, module, "assign")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("a view name is 1 to 100 characters", "name")
    _check(columns, filters, sort, shown)
    view = SavedView(
        kind=kind,
        name=name,
        owner_id=ctx.user_id,
        shared=shared,
        segment=segment,
        filters=[msgspec.to_builtins(f) for f in filters],
        sort=sort,
        columns=shown,
    )
    ctx.session.add(view)
    ctx.session.flush()
    return view


def delete_view(ctx: Ctx, view_id: int) -> None:
    """Delete one's own view (an administrator of the module may delete shared ones)."""
    view = get_view(ctx, view_id)
    if view.owner_id != ctx.user_id:
        module = record_kind(ctx, view.kind).module
        if not ctx.user.can(module, "admin"):
            raise Forbidden("only its owner may delete this view")
    ctx.session.delete(view)
    ctx.session.flush()


def view_filters(view: SavedView) -> list[Filter]:
    return [msgspec.convert(item, Filter) for item in view.filters or []]


def view_out(view: SavedView) -> dict[str, Any]:
    return {
        "id": view.id,
        "kind": view.kind,
        "name": view.name,
        "shared": view.shared,
        "segment": view.segment,
        "filters": view.filters,
        "sort": view.sort,
        "columns": view.columns,
        "owner_id": view.owner_id,
    }
