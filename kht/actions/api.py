"""Action JSON API: thin controllers over kht.actions.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from kht.actions import service
from kht.actions.models import Action
from kht.actions.schemas import ActionCreate, ActionOut, ActionPage, ActionUpdate, TimelineItem
from kht.context import RequestCtx


def to_out(action: Action) -> ActionOut:
    return ActionOut(
        id=action.id,
        kind=action.kind,
        record_id=action.record_id,
        customer_id=action.customer_id,
        type=action.type,
        subject=action.subject,
        body=action.body,
        status=action.status,
        due_at=action.due_at,
        done_at=action.done_at,
        outcome=action.outcome,
        next_step=action.next_step,
        meeting_url=action.meeting_url,
        owner_id=action.owner_id,
        version=action.version,
        ext=action.ext or {},
        created_at=action.created_at,
    )


class ActionController(Controller):
    path = "/api/v1/actions"
    tags = ["actions"]

    @get("/", sync_to_thread=True)
    def list_actions(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=500, default=50),
        status: FromQuery[str] = "",
        mine: FromQuery[bool] = False,
    ) -> ActionPage:
        rows, total = service.list_actions(
            ctx, page=page, page_size=page_size, status=status, mine=mine
        )
        return ActionPage(
            items=[to_out(r) for r in rows], total=total, page=page, page_size=page_size
        )

    @post("/", sync_to_thread=True)
    def log_action(self, ctx: RequestCtx, data: JSONBody[ActionCreate]) -> ActionOut:
        return to_out(service.log_action(ctx, data))

    @get("/{action_id:int}", sync_to_thread=True)
    def get_action(self, ctx: RequestCtx, action_id: FromPath[int]) -> ActionOut:
        return to_out(service.get_action(ctx, action_id))

    @patch("/{action_id:int}", sync_to_thread=True)
    def update_action(
        self, ctx: RequestCtx, action_id: FromPath[int], data: JSONBody[ActionUpdate]
    ) -> ActionOut:
        return to_out(service.update_action(ctx, action_id, data))

    @delete("/{action_id:int}", sync_to_thread=True)
    def delete_action(self, ctx: RequestCtx, action_id: FromPath[int]) -> None:
        service.delete_action(ctx, action_id)


@get("/api/v1/timeline/{kind:str}/{record_id:int}", sync_to_thread=True, tags=["actions"])
def timeline(
    ctx: RequestCtx,
    kind: FromPath[str],
    record_id: FromPath[int],
    page: int = Parameter(ge=1, default=1),
    page_size: int = Parameter(ge=1, le=200, default=30),
) -> list[TimelineItem]:
    """A record's timeline (actions, stage changes), newest first."""
    return service.timeline(ctx, kind, record_id, page=page, page_size=page_size)


ROUTES = [ActionController, timeline]
