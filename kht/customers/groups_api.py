"""Customer group JSON API."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody

from kht.context import RequestCtx
from kht.customers import groups
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
        """Delete a group: its creator, their manager or an administrator (else 403)."""
        groups.delete_group(ctx, group_id)

    @post("/{group_id:int}/members", sync_to_thread=True)
    def add_members(
        self, ctx: RequestCtx, group_id: FromPath[int], data: JSONBody[Members]
    ) -> dict[str, int]:
        """Add customers in scope (use the customers bulk `group` action to add a filter)."""
        return {"added": groups.add_members(ctx, group_id, data.customer_ids)}

    @post("/{group_id:int}/members/remove", sync_to_thread=True)
    def remove_members(
        self, ctx: RequestCtx, group_id: FromPath[int], data: JSONBody[Members]
    ) -> dict[str, int]:
        """Take customers in scope out of the group (an id out of scope is 404)."""
        return {"removed": groups.remove_members(ctx, group_id, data.customer_ids)}
