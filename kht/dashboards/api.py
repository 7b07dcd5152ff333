"""The dashboard JSON API, thin over kht.dashboards.service."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, put
from litestar.params import FromPath, JSONBody, Parameter

from kht.context import RequestCtx
from kht.dashboards import service
from kht.dashboards.schemas import DashboardIn, DashboardOut, WidgetData

# A role's key (kht.auth.models.Role.key): documented, so bad ones are refused before a lookup.
RoleKey = Annotated[str, Parameter(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]


class DashboardController(Controller):
    path = "/api/v1/dashboards"
    tags = ["dashboards"]

    @get("/mine", sync_to_thread=True)
    def get_mine(self, ctx: RequestCtx) -> DashboardOut:
        """The caller's layout: their own (`source: own`), else their role's default."""
        return service.mine(ctx)

    @get("/mine/data", sync_to_thread=True)
    def get_mine_data(self, ctx: RequestCtx) -> list[WidgetData]:
        """Every widget of the caller's layout with its data, in the caller's scope and
        periods (a widget they may not see carries `error`)."""
        return service.board(ctx)[1]

    @put("/mine", sync_to_thread=True)
    def put_mine(self, ctx: RequestCtx, data: JSONBody[DashboardIn]) -> DashboardOut:
        """Save the caller's own layout (all widgets, in order). An unknown report or list
        key, a bad size, type, view or period is a 422 naming it (`widgets[1].w`); a stale
        `version` a 409."""
        return service.save_mine(ctx, data)

    @delete("/mine", sync_to_thread=True, status_code=200)
    def delete_mine(self, ctx: RequestCtx) -> DashboardOut:
        """Drop the caller's own layout; answers the role default they see again."""
        return service.reset_mine(ctx)

    @get("/roles/{role:str}", sync_to_thread=True)
    def get_role(self, ctx: RequestCtx, role: FromPath[RoleKey]) -> DashboardOut:
        """A role's default layout (administrators)."""
        return service.role_default(ctx, role)

    @put("/roles/{role:str}", sync_to_thread=True)
    def put_role(
        self, ctx: RequestCtx, role: FromPath[RoleKey], data: JSONBody[DashboardIn]
    ) -> DashboardOut:
        """Set a role's default layout (administrators); users of the role without their own
        layout see it at once."""
        return service.set_role_default(ctx, role, data)


ROUTES = [DashboardController]
