"""Opportunity JSON API: thin controllers over kht.sales.opportunities.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.context import RequestCtx
from kht.records.api import filters_from
from kht.sales.opportunities import service
from kht.sales.opportunities.models import Opportunity
from kht.sales.opportunities.schemas import (
    Board,
    CloseIn,
    OpportunityCreate,
    OpportunityOut,
    OpportunityPage,
    OpportunityUpdate,
    StageMove,
    StageStay,
)
from kht.sales.processes.service import stage_of


def to_out(ctx: RequestCtx, o: Opportunity) -> OpportunityOut:
    return OpportunityOut(
        id=o.id,
        name=o.name,
        customer_id=o.customer_id,
        contact_id=o.contact_id,
        process_id=o.process_id,
        stage_id=o.stage_id,
        stage_key=stage_of(ctx, o.stage_id).key,
        stage_entered_at=o.stage_entered_at,
        status=o.status,
        amount=o.amount,
        currency=o.currency,
        probability=o.probability,
        forecast_category=o.forecast_category,
        expected_close=o.expected_close,
        closed_at=o.closed_at,
        close_reason=o.close_reason,
        competitors=o.competitors,
        source=o.source,
        lead_id=o.lead_id,
        campaign_id=o.campaign_id,
        product_line_id=o.product_line_id,
        department_id=o.department_id,
        owner_id=o.owner_id,
        description=o.description,
        version=o.version,
        ext=o.ext or {},
        created_at=o.created_at,
        updated_at=o.updated_at,
        deleted_at=o.deleted_at,
    )


class OpportunityController(Controller):
    path = "/api/v1/opportunities"
    tags = ["opportunities"]

    @get("/", sync_to_thread=True)
    def list_opportunities(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=500, default=50),
        q: FromQuery[str] = "",
        sort: FromQuery[str] = "-updated_at",
        f: FromQuery[list[str] | None] = None,
        view: FromQuery[int | None] = None,
        deleted: FromQuery[bool] = False,
    ) -> OpportunityPage:
        """Opportunities in scope; `f=field:op:value` filters (repeatable), `view=` a saved view."""
        rows, total = service.list_opportunities(
            ctx,
            page=page,
            page_size=page_size,
            q=q,
            sort=sort,
            filters=filters_from(ctx, f, view),
            deleted=deleted,
        )
        return OpportunityPage(
            items=[to_out(ctx, r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def create_opportunity(
        self, ctx: RequestCtx, data: JSONBody[OpportunityCreate]
    ) -> OpportunityOut:
        return to_out(ctx, service.create_opportunity(ctx, data))

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

    @get("/{opportunity_id:int}", sync_to_thread=True)
    def get_opportunity(self, ctx: RequestCtx, opportunity_id: FromPath[int]) -> OpportunityOut:
        return to_out(ctx, service.get_opportunity(ctx, opportunity_id))

    @patch("/{opportunity_id:int}", sync_to_thread=True)
    def update_opportunity(
        self, ctx: RequestCtx, opportunity_id: FromPath[int], data: JSONBody[OpportunityUpdate]
    ) -> OpportunityOut:
        return to_out(ctx, service.update_opportunity(ctx, opportunity_id, data))

    @delete("/{opportunity_id:int}", sync_to_thread=True)
    def delete_opportunity(self, ctx: RequestCtx, opportunity_id: FromPath[int]) -> None:
        """Move to the recycle bin (`POST /{id}/restore` brings it back)."""
        service.delete_opportunity(ctx, opportunity_id)

    @post("/{opportunity_id:int}/restore", sync_to_thread=True)
    def restore_opportunity(self, ctx: RequestCtx, opportunity_id: FromPath[int]) -> OpportunityOut:
        return to_out(ctx, service.restore_opportunity(ctx, opportunity_id))

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
        return [
            StageStay(
                stage_id=s.stage_id,
                stage_name_zh=s.stage_name_zh,
                stage_name_en=s.stage_name_en,
                probability=s.probability,
                amount=s.amount,
                entered_at=s.entered_at,
                left_at=s.left_at,
                seconds_in_stage=s.seconds_in_stage,
                user_id=s.user_id,
                cause=s.cause,
            )
            for s in service.stage_history(ctx, opportunity_id)
        ]


ROUTES = [OpportunityController]
