"""The records a send goes to: a kind's records in the acting user's scope that match a
saved view or segment and/or filters (`field:op:value`). Mass mail and mass SMS pick their
recipients here, so both honour the one scope choke point (`RecordKind.query`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.engine import Filter, parse_filter
from kht.lists.service import get_view, view_filters, visible_views
from kht.records import record_kind


def segment_filters(ctx: Ctx, kind: str, view_id: int | None, filters: list[str]) -> list[Filter]:
    """The saved view's filters (a view one may not use, or of another kind: 422 naming
    `view_id`) followed by `filters` (a bad one: 422 naming `filters`)."""
    saved: list[Filter] = []
    if view_id is not None:
        try:
            view = get_view(ctx, view_id)
        except NotFound:
            raise ValidationError("no such segment or saved view", "view_id") from None
        if view.kind != kind:
            raise ValidationError("that segment is not one of these records", "view_id")
        saved = view_filters(view)
    try:
        return saved + [parse_filter(text) for text in filters if text.strip()]
    except (ValueError, ValidationError) as exc:
        raise ValidationError(f"bad filter: {exc}", "filters") from None


def segment_columns(ctx: Ctx, kind: str, filters: list[Filter], *columns: str) -> Select[Any]:
    """(id, *columns) of the records of `kind` the user may see that match `filters`,
    oldest first."""
    spec = record_kind(ctx, kind)
    try:
        matched = spec.query(ctx, filters=filters)
    except ValidationError as exc:
        raise ValidationError(exc.message, "filters") from None
    model = spec.model
    ids = matched.with_only_columns(model.id).scalar_subquery()
    wanted = [getattr(model, name) for name in columns]
    return select(model.id, *wanted).where(model.id.in_(ids)).order_by(model.id)


def segment_choices(ctx: Ctx, kinds: tuple[str, ...] | list[str]) -> list[tuple[str, Any]]:
    """(kind, view) of every saved view and segment the user may use, for the kinds whose
    records they may see (a send form's picker)."""
    found = []
    for kind in kinds:
        if ctx.user.can(record_kind(ctx, kind).module, "view"):
            found += [(kind, view) for view in visible_views(ctx, kind)]
    return found
