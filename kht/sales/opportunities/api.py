"""Opportunity JSON API: thin controllers over kht.sales.opportunities.service."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.records.api import filters_from
from kht.records.schemas import out_of
from kht.sales.opportunities import service
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.schemas import (
    Board,
    CloseIn,
    OpportunityOut,
    StageMove,
    StageStay,
)


def to_out(ctx: RequestCtx, opportunity: Opportunity) -> OpportunityOut:
    return service.to_out(ctx, opportunity)


class OpportunityController(Controller):
    """An opportunity's steps beyond what its declaration gives (kht.records.api)."""

    path = "/api/v1/opportunities"
    tags = ["opportunities"]

    @get("/board", sync_to_thread=True)
    def board(
        self,
        ctx: RequestCtx,
        process_id: FromQuery[int | None] = None,
        q: FromQuery[str] = "",
        f: FromQuery[list[str] | None] = None,
    ) -> Board:
        """The kanban board of a process (default: the default process)."""
        return service.board(ctx, process_id, q=q, filters=filters_from(ctx, f, None))

    @post("/{opportunity_id:int}/stage", sync_to_thread=True, status_code=200)
    def move_stage(
        self, ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[StageMove]
    ) -> OpportunityOut:
        """Move to another stage; a closed gate is a 422 naming what is missing, a stale
        version a 409."""
        moved = service.move_stage(
            ctx,
            opportunity_id,
            data.stage_id,
            version=data.version,
            cause=data.cause,
            reopen=data.reopen,
        )
        return to_out(ctx, moved)

    @post("/{opportunity_id:int}/close", sync_to_thread=True, status_code=200)
    def close(
        self, ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[CloseIn]
    ) -> OpportunityOut:
        """Close as won or lost (lost needs a reason)."""
        closed = service.close_opportunity(
            ctx,
            opportunity_id,
            won=data.won,
            reason=data.reason,
            version=data.version,
            reopen=data.reopen,
        )
        return to_out(ctx, closed)

    @get("/{opportunity_id:int}/stages", sync_to_thread=True)
    def stage_history(self, ctx: RequestCtx, opportunity_id: FromPath[int]) -> list[StageStay]:
        """Every stay in a stage, oldest first, with the time spent there."""
        return [out_of(StageStay, s) for s in service.stage_history(ctx, opportunity_id)]


ROUTES = [OpportunityController]
