"""Lifecycle JSON API: stage moves and history of customers, and the stage configuration."""

from __future__ import annotations

from datetime import datetime

from litestar import get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.errors import ValidationError
from kht.lifecycle import config, service
from kht.lifecycle.schemas import HistoryOut, LifecycleConfig, MoveOut, StageCount, StageMove

TAGS = ["lifecycle"]


@post("/api/v1/customers/{customer_id:int}/stage", status_code=200, sync_to_thread=True, tags=TAGS)
def move_customer(
    ctx: RequestCtx, customer_id: FromPath[int], data: JSONBody[StageMove]
) -> MoveOut:
    """Move a customer to another stage (422 if the move is not allowed, 409 if stale)."""
    customer = service.change_stage(
        ctx, "customer", customer_id, data.to_stage, data.cause, data.version
    )
    return MoveOut(
        id=customer.id,
        stage=customer.stage,
        stage_changed_at=customer.stage_changed_at,
        version=customer.version,
    )


@get("/api/v1/customers/{customer_id:int}/stages", sync_to_thread=True, tags=TAGS)
def customer_stages(ctx: RequestCtx, customer_id: FromPath[int]) -> HistoryOut:
    """The stages a customer went through, with the time spent in each."""
    return HistoryOut(items=service.stage_history(ctx, "customer", customer_id))


@get("/api/v1/lifecycle", sync_to_thread=True, tags=TAGS)
def get_lifecycle(ctx: RequestCtx) -> LifecycleConfig:
    """Every stage and every allowed move."""
    return config.get_config(ctx)


@put("/api/v1/lifecycle", sync_to_thread=True, tags=TAGS)
def put_lifecycle(ctx: RequestCtx, data: JSONBody[LifecycleConfig]) -> LifecycleConfig:
    """Replace stages and moves (stages can be retired, not removed)."""
    return config.save_config(ctx, data)


@get("/api/v1/lifecycle/conversion", sync_to_thread=True, tags=TAGS)
def conversion(
    ctx: RequestCtx, since: FromQuery[datetime], until: FromQuery[datetime]
) -> list[StageCount]:
    """Moves from→to of customers in the caller's scope between `since` and `until`."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValidationError(
            "give times with a UTC offset, e.g. 2026-01-01T00:00:00+08:00",
            "since" if since.tzinfo is None else "until",
        )
    return service.stage_conversion(ctx, since, until)


ROUTES = [move_customer, customer_stages, get_lifecycle, put_lifecycle, conversion]
