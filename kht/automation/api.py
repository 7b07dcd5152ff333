"""Automation rules JSON API (administrators): rules, their runs and the preview."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.automation import service
from kht.automation.schemas import PreviewOut, RuleCreate, RuleOut, RuleUpdate, RunOut
from kht.context import RequestCtx

Page = Annotated[int, msgspec.Meta(ge=1, le=100_000)]
PageSize = Annotated[int, msgspec.Meta(ge=1, le=200)]


class RunPage(msgspec.Struct, kw_only=True):
    items: list[RunOut]
    total: int
    page: int
    page_size: int


class AutomationController(Controller):
    path = "/api/v1/automation/rules"
    tags = ["automation"]

    @get("/", sync_to_thread=True)
    def list_rules(self, ctx: RequestCtx) -> list[RuleOut]:
        return [service.rule_out(ctx, rule) for rule in service.list_rules(ctx)]

    @post("/", sync_to_thread=True)
    def create_rule(self, ctx: RequestCtx, data: JSONBody[RuleCreate]) -> RuleOut:
        return service.rule_out(ctx, service.create_rule(ctx, data))

    @get("/{rule_id:int}", sync_to_thread=True)
    def get_rule(self, ctx: RequestCtx, rule_id: FromPath[int]) -> RuleOut:
        return service.rule_out(ctx, service.get_rule(ctx, rule_id))

    @patch("/{rule_id:int}", sync_to_thread=True)
    def update_rule(
        self, ctx: RequestCtx, rule_id: FromPath[int], data: JSONBody[RuleUpdate]
    ) -> RuleOut:
        return service.rule_out(ctx, service.update_rule(ctx, rule_id, data))

    @delete("/{rule_id:int}", sync_to_thread=True)
    def delete_rule(self, ctx: RequestCtx, rule_id: FromPath[int]) -> None:
        service.delete_rule(ctx, rule_id)

    @get("/{rule_id:int}/runs", sync_to_thread=True)
    def runs(
        self,
        ctx: RequestCtx,
        rule_id: FromPath[int],
        page: FromQuery[Page] = 1,
        page_size: FromQuery[PageSize] = 50,
    ) -> RunPage:
        rows, total = service.runs_of(ctx, rule_id, page=page, page_size=page_size)
        items = [service.run_out(run) for run in rows]
        return RunPage(items=items, total=total, page=page, page_size=page_size)

    @get("/{rule_id:int}/preview", sync_to_thread=True)
    def preview(self, ctx: RequestCtx, rule_id: FromPath[int]) -> PreviewOut:
        return service.preview(ctx, rule_id)
