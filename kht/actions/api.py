"""Action JSON API: thin controllers over kht.actions.service."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, Parameter

from kht.actions import notifications, service
from kht.actions.models import Notification
from kht.actions.schemas import (
    Agenda,
    CalendarEvent,
    NotificationOut,
    TimelineItem,
)
from kht.context import RequestCtx
from kht.records.schemas import out_of


class ActionController(Controller):
    """The actions' own endpoints; list, create, get, update, delete, restore, columns, bulk
    and export are the generic record API of the declared kind (`service.SPEC`,
    kht.records.api), the list with the kind's `status` and `mine` parameters."""

    path = "/api/v1/actions"
    tags = ["actions"]

    @get("/agenda", sync_to_thread=True)
    def agenda(
        self,
        ctx: RequestCtx,
        team: FromQuery[bool] = False,
        user_id: FromQuery[int | None] = None,
    ) -> Agenda:
        """Planned actions: overdue, due today (the user's time zone), the next 7 days.

        Mine (owned or taking part) by default; `team=true` for everyone in scope;
        `user_id` for one colleague in scope.
        """
        buckets = service.agenda(ctx, user_id=user_id, team=team)
        return Agenda(**{key: service.action_outs(ctx, rows) for key, rows in buckets.items()})


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


@get("/api/v1/calendar", sync_to_thread=True, tags=["actions"])
def calendar(
    ctx: RequestCtx,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    mine: FromQuery[bool] = True,
    team: FromQuery[bool] = False,
) -> list[CalendarEvent]:
    """Actions between `start` and `end` (ISO dates or date-times) as calendar events.

    `mine=1` (default): your own and participating actions; `team=1`: everyone's in your
    scope on actions. Each event links to the record the action is about.
    """
    return service.calendar_events(ctx, start, end, team=team)


def notification_out(row: Notification) -> NotificationOut:
    return out_of(NotificationOut, row)


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["notifications"]

    @get("/", sync_to_thread=True)
    def list_notifications(
        self,
        ctx: RequestCtx,
        page: int = Parameter(ge=1, default=1),
        page_size: int = Parameter(ge=1, le=200, default=50),
        unread: FromQuery[bool] = False,
    ) -> list[NotificationOut]:
        """Your notifications, newest first."""
        rows, _ = notifications.list_notifications(
            ctx, page=page, page_size=page_size, unread=unread
        )
        return [notification_out(r) for r in rows]

    @post("/{notification_id:int}/read", sync_to_thread=True, status_code=200)
    def mark_read(self, ctx: RequestCtx, notification_id: FromPath[int]) -> NotificationOut:
        return notification_out(notifications.mark_read(ctx, notification_id))

    @post("/read-all", sync_to_thread=True, status_code=200)
    def mark_all_read(self, ctx: RequestCtx) -> dict[str, int]:
        return {"marked": notifications.mark_all_read(ctx)}


ROUTES = [ActionController, timeline, calendar, NotificationController]
