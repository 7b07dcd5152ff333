"""Saved views and segments JSON API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import Ctx, RequestCtx
from kht.errors import ValidationError
from kht.lists import service
from kht.lists.engine import Column, Filter
from kht.records import record_kind


class ViewIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    filters: list[Filter] = []
    sort: str = "-updated_at"
    columns: list[str] = []
    shared: bool = False
    segment: bool = False


def columns_of(ctx: Ctx, kind: str) -> dict[str, Column]:
    """The list columns of a record kind that has a list page."""
    spec = record_kind(ctx, kind)
    if spec.columns is None:
        raise ValidationError(f"{kind!r} has no list to save views of", "kind")
    return spec.columns(ctx)


class ViewController(Controller):
    path = "/api/v1/views"
    tags = ["views"]

    @get("/", sync_to_thread=True)
    def list_views(
        self, ctx: RequestCtx, kind: FromQuery[str] = "customer", segments: FromQuery[bool] = False
    ) -> list[dict[str, Any]]:
        """Own and shared saved views of a list; `segments=true` for dynamic segments only."""
        views = service.visible_views(ctx, kind, segments_only=segments)
        return [service.view_out(v) for v in views]

    @post("/", sync_to_thread=True)
    def save_view(self, ctx: RequestCtx, data: JSONBody[ViewIn]) -> dict[str, Any]:
        view = service.save_view(
            ctx,
            data.kind,
            columns_of(ctx, data.kind),
            name=data.name,
            filters=data.filters,
            sort=data.sort,
            shown=data.columns,
            shared=data.shared,
            segment=data.segment,
        )
        return service.view_out(view)

    @get("/{view_id:int}", sync_to_thread=True)
    def get_view(self, ctx: RequestCtx, view_id: FromPath[int]) -> dict[str, Any]:
        return service.view_out(service.get_view(ctx, view_id))

    @delete("/{view_id:int}", sync_to_thread=True)
    def delete_view(self, ctx: RequestCtx, view_id: FromPath[int]) -> None:
        service.delete_view(ctx, view_id)


ROUTES = [ViewController]
