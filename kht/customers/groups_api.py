"""Customer group JSON API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.customers import groups
from kht.customers.service import SPEC, scoped_query
from kht.lists.bulk import selected_ids
from kht.types import Id


class GroupIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class Members(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    customer_ids: list[Id]


class GroupController(Controller):
    path = "/api/v1/customer-groups"
    tags = ["customers"]

    @get("/", sync_to_thread=True)
    def list_groups(self, ctx: RequestCtx) -> list[dict[str, Any]]:
        return [{"id": g.id, "name": g.name, "members": n} for g, n in groups.list_groups(ctx)]

    @post("/", sync_to_thread=True)
    def create_group(self, ctx: RequestCtx, data: JSONBody[GroupIn]) -> dict[str, Any]:
        group = groups.create_group(ctx, data.name)
        return {"id": group.id, "name": group.name, "members": 0}

    @delete("/{group_id:int}", sync_to_thread=True)
    def delete_group(self, ctx: RequestCtx, group_id: FromPath[int]) -> None:
        groups.delete_group(ctx, group_id)

    @post("/{group_id:int}/members", sync_to_thread=True)
    def add_members(
        self, ctx: RequestCtx, group_id: FromPath[int], data: JSONBody[Members]
    ) -> dict[str, int]:
        """Add visible customers (use the customers bulk `group` action to add a filter)."""
        ids = selected_ids(ctx, SPEC, scoped_query(ctx), data.customer_ids)
        return {"added": groups.add_members(ctx, group_id, ids)}

    @post("/{group_id:int}/members/remove", sync_to_thread=True)
    def remove_members(
        self, ctx: RequestCtx, group_id: FromPath[int], data: JSONBody[Members]
    ) -> dict[str, int]:
        return {"removed": groups.remove_members(ctx, group_id, data.customer_ids)}
