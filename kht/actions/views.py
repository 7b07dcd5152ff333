"""Action UI: logging from a record page, the agenda, an action's page, the calendar and the
notifications under the bell. Thin: every rule lives in kht.actions.service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from sqlalchemy import select

from kht import record_service as records
from kht.actions import notifications, service
from kht.actions.models import Action
from kht.actions.schemas import ActionCreate, ActionUpdate
from kht.auth.models import User
from kht.contacts.ui import people, text, to_struct, values
from kht.context import Ctx, RequestCtx
from kht.customers.models import Customer
from kht.customers.service import SPEC as CUSTOMERS
from kht.errors import Conflict, KhtError, NotFound, ValidationError
from kht.web.i18n import N_
from kht.web.pages import render

TYPES = tuple(service.TYPE_LABELS.items())
STATUSES = (("planned", N_("Planned")), ("done", N_("Done")), ("cancelled", N_("Cancelled")))
SECTIONS = (
    ("overdue", N_("Overdue")),
    ("today", N_("Today")),
    ("upcoming", N_("Next 7 days")),
)


def _back(data: dict[str, Any], default: str = "/") -> str:
    target = text(data, "next") or default
    return target if target.startswith("/") and not target.startswith("//") else default


@post("/actions/log", sync_to_thread=True, include_in_schema=False)
def log_from_form(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """The note form on a record page; returns to that page."""
    try:
        record_id = int(data.get("record_id", ""))
    except ValueError:
        raise ValidationError("record_id must be a number", "record_id") from None
    subject = str(data.get("subject", "")).strip() or str(data.get("body", "")).strip()[:60]
    if not subject:
        raise ValidationError("write something first", "body")
    service.log_action(
        ctx,
        ActionCreate(
            kind=str(data.get("kind", "")),
            record_id=record_id,
            type=data.get("type") or "note",
            subject=subject,
            body=str(data.get("body", "")),
        ),
    )
    return Redirect(_back(data))


def _moment(ctx: Ctx, data: dict[str, Any], key: str) -> datetime | None:
    """A `datetime-local` input, read in the user's time zone (empty: None)."""
    raw = text(data, key)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"{key} must be a date and time", key) from None
    return value.replace(tzinfo=ctx.zone) if value.tzinfo is None else value


def _ids(data: dict[str, Any], key: str) -> list[int]:
    raw = values(data, key)
    if not all(item.isdigit() for item in raw):
        raise ValidationError(f"{key} must be user ids", key)
    return [int(item) for item in raw]


def _colleagues(ctx: Ctx) -> list[tuple[int, str]]:
    """Active users one may invite to an action."""
    rows = ctx.session.execute(
        select(User.id, User.name).where(User.active).order_by(User.name).limit(500)
    )
    return [(row.id, row.name) for row in rows]


def _customers(ctx: Ctx) -> list[tuple[int, str]]:
    """Customers in scope to log an action about (most recently changed first)."""
    query = records.visible(ctx, CUSTOMERS).order_by(Customer.updated_at.desc()).limit(300)
    return [(c.id, c.name) for c in ctx.session.scalars(query)]


def _record_names(ctx: Ctx, actions: list[Action]) -> dict[tuple[str, int], str]:
    """Names of the customers (and other named records) the actions are about."""
    ids = {a.record_id for a in actions if a.kind == "customer"}
    ids |= {a.customer_id for a in actions if a.customer_id is not None}
    names: dict[tuple[str, int], str] = {}
    if ids:
        rows = ctx.session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))
        customers = {row.id: row.name for row in rows}
        for action in actions:
            name = customers.get(action.record_id if action.kind == "customer" else -1)
            name = name or customers.get(action.customer_id or -1)
            if name:
                names[(action.kind, action.record_id)] = name
    return names


def _agenda_page(
    request: Request,
    ctx: Ctx,
    *,
    team: bool,
    form: dict[str, Any],
    error: str = "",
    error_field: str = "",
    status_code: int = 200,
) -> Template:
    buckets = service.agenda(ctx, team=team)
    everything = [a for rows in buckets.values() for a in rows]
    return render(
        request,
        ctx,
        "actions/agenda.html",
        status_code=status_code,
        team=team,
        sections=[(key, label, buckets[key]) for key, label in SECTIONS],
        names=_record_names(ctx, everything),
        owners=people(ctx, {a.owner_id for a in everything}),
        record_url=service.record_url,
        types=TYPES,
        type_labels=dict(TYPES),
        customers=_customers(ctx),
        colleagues=_colleagues(ctx),
        form=form,
        error=error,
        error_field=error_field,
        can_create=ctx.user is not None and ctx.user.can(service.MODULE, "create"),
    )


@get("/actions", sync_to_thread=True, include_in_schema=False)
def agenda_page(request: Request, ctx: RequestCtx, team: FromQuery[bool] = False) -> Template:
    """The agenda (overdue, today, next 7 days) and a form to log or plan an action."""
    form = {"type": "call", "status": "planned", "record_id": request.query_params.get("customer")}
    return _agenda_page(request, ctx, team=team, form=form)


def _minutes(data: dict[str, Any], key: str) -> int | None:
    """A whole number of minutes from the form (empty: none); anything else is a 422."""
    raw = text(data, key)
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError("the duration must be a whole number of minutes", key)
    return int(raw)


@post("/actions/new", sync_to_thread=True, include_in_schema=False)
def create_from_agenda(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Log (done) or plan an action about a customer from the agenda page."""
    try:
        raw: dict[str, Any] = {
            "kind": text(data, "kind") or "customer",
            "record_id": int(text(data, "record_id")) if text(data, "record_id").isdigit() else 0,
            "type": text(data, "type") or "call",
            "subject": text(data, "subject"),
            "body": text(data, "body"),
            "status": text(data, "status") or "planned",
            "meeting_url": text(data, "meeting_url"),
            "duration_minutes": _minutes(data, "duration_minutes"),
            "due_at": _moment(ctx, data, "due_at"),
            "remind_at": _moment(ctx, data, "remind_at"),
            "participant_ids": _ids(data, "participant_ids"),
        }
        if not raw["record_id"]:
            raise ValidationError("choose a customer", "record_id")
        service.log_action(ctx, to_struct(raw, ActionCreate))
    except ValidationError as exc:
        form = {key: text(data, key) for key in data}
        form["participant_ids"] = values(data, "participant_ids")
        return _agenda_page(
            request,
            ctx,
            team=False,
            form=form,
            error=exc.message,
            error_field=exc.field or "",
            status_code=422,
        )
    return Redirect("/actions")


def _detail(
    request: Request,
    ctx: Ctx,
    action: Action,
    *,
    error: str = "",
    error_field: str = "",
    status_code: int = 200,
) -> Template:
    participant_ids = service.participants_of(ctx, [action.id])[action.id]
    return render(
        request,
        ctx,
        "actions/detail.html",
        status_code=status_code,
        action=action,
        participant_ids=participant_ids,
        names=people(ctx, {action.owner_id, *participant_ids}),
        record_name=_record_names(ctx, [action]).get((action.kind, action.record_id), ""),
        record_link=service.record_url(action.kind, action.record_id),
        colleagues=_colleagues(ctx),
        types=TYPES,
        statuses=STATUSES,
        zone=ctx.zone,
        error=error,
        error_field=error_field,
    )


@get("/actions/{action_id:int}", sync_to_thread=True, include_in_schema=False)
def action_page(request: Request, ctx: RequestCtx, action_id: FromPath[int]) -> Template:
    """One action: what, when, who takes part; the form to change or complete it."""
    return _detail(request, ctx, service.get_action(ctx, action_id))


@post("/actions/{action_id:int}/edit", sync_to_thread=True, include_in_schema=False)
def edit_action(
    request: Request,
    ctx: RequestCtx,
    action_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Save the action form (version-checked)."""
    action = service.get_action(ctx, action_id)
    try:
        version = text(data, "version")
        raw = {
            "version": int(version) if version.isdigit() else -1,
            "type": text(data, "type"),
            "subject": text(data, "subject"),
            "body": text(data, "body"),
            "status": text(data, "status"),
            "meeting_url": text(data, "meeting_url"),
            "duration_minutes": _minutes(data, "duration_minutes"),
            "due_at": _moment(ctx, data, "due_at"),
            "remind_at": _moment(ctx, data, "remind_at"),
            "outcome": text(data, "outcome"),
            "next_step": text(data, "next_step"),
            "participant_ids": _ids(data, "participant_ids"),
        }
        service.update_action(ctx, action_id, to_struct(raw, ActionUpdate))
    except (ValidationError, Conflict) as exc:
        ctx.session.rollback()
        action = service.get_action(ctx, action_id)
        return _detail(
            request,
            ctx,
            action,
            error=exc.message,
            error_field=exc.field or "",
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    return Redirect(f"/actions/{action.id}")


@post("/actions/{action_id:int}/done", sync_to_thread=True, include_in_schema=False)
def mark_done(
    ctx: RequestCtx, action_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """ "Mark done" on the agenda: completes the action with its outcome and next step."""
    version = text(data, "version")
    service.complete_action(
        ctx,
        action_id,
        int(version) if version.isdigit() else -1,
        outcome=text(data, "outcome"),
        next_step=text(data, "next_step"),
    )
    return Redirect(_back(data, "/actions"))


@get("/calendar", sync_to_thread=True, include_in_schema=False)
def calendar_page(request: Request, ctx: RequestCtx, team: FromQuery[bool] = False) -> Template:
    """Month, week and day views of the actions (FullCalendar, fed by /calendar/events)."""
    if ctx.user is None:
        raise NotFound("log in first")
    wall_now = ctx.local().replace(tzinfo=None)
    return render(
        request, ctx, "actions/calendar.html", team=team, now=wall_now.isoformat("T", "seconds")
    )


@get("/calendar/events", sync_to_thread=True, include_in_schema=False)
def calendar_feed(
    ctx: RequestCtx,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    team: FromQuery[bool] = False,
) -> Response[Any]:
    """The calendar feed for the browser (session cookie); /api/v1/calendar for API clients.

    The page runs FullCalendar in "UTC" mode with wall-clock times of the user's own time
    zone (it cannot do named zones without another library), so the calendar shows the same
    times as every other page whatever zone the browser is in.
    """
    try:
        events = service.calendar_events(ctx, _wall(start), _wall(end), team=team)
    except KhtError as exc:
        body = {"status": exc.status, "message": exc.message, "field": exc.field}
        return Response(body, status_code=exc.status)
    zone = ctx.zone
    feed = msgspec.to_builtins(events)
    for event, item in zip(events, feed, strict=True):
        for key in ("start", "end"):
            item[key] = getattr(event, key).astimezone(zone).replace(tzinfo=None).isoformat()
    return Response(feed)


def _wall(raw: str) -> str:
    # FullCalendar in UTC mode sends "...Z" for what are wall-clock times of the user's zone.
    text = raw.strip()
    if text.endswith("Z"):
        return text[:-1]
    if len(text) > 19 and text[-6] in "+-" and text.endswith("00:00"):
        return text[:-6]
    return text


@get("/notifications/bell", sync_to_thread=True, include_in_schema=False)
def bell(request: Request, ctx: RequestCtx) -> Template:
    """The bell's unread count (loaded and refreshed by htmx)."""
    return render(request, ctx, "actions/_bell_count.html", unread=notifications.unread_count(ctx))


@get("/notifications", sync_to_thread=True, include_in_schema=False)
def notifications_page(
    request: Request, ctx: RequestCtx, page: FromQuery[int] = 1, unread: FromQuery[bool] = False
) -> Template:
    """The acting user's notifications, newest first."""
    page = max(page, 1)
    rows, total = notifications.list_notifications(ctx, page=page, page_size=50, unread=unread)
    return render(
        request,
        ctx,
        "actions/notifications.html",
        rows=rows,
        total=total,
        page=page,
        unread=unread,
        has_more=page * 50 < total,
    )


@post("/notifications/{notification_id:int}/read", sync_to_thread=True, include_in_schema=False)
def read_notification(
    ctx: RequestCtx, notification_id: FromPath[int], data: URLEncodedBody[dict[str, Any]]
) -> Redirect:
    """Mark one read; "open" goes on to the record it is about."""
    row = notifications.mark_read(ctx, notification_id)
    if text(data, "open") and row.url.startswith("/") and not row.url.startswith("//"):
        return Redirect(row.url)
    return Redirect("/notifications")


@post("/notifications/read-all", sync_to_thread=True, include_in_schema=False)
def read_all_notifications(ctx: RequestCtx) -> Redirect:
    notifications.mark_all_read(ctx)
    return Redirect("/notifications")


ROUTES = [
    log_from_form,
    agenda_page,
    create_from_agenda,
    action_page,
    edit_action,
    mark_done,
    calendar_page,
    calendar_feed,
    bell,
    notifications_page,
    read_notification,
    read_all_notifications,
]
