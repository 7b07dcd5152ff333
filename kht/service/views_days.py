"""The company days page (`/admin/service/days`, administrators of tickets): a year's days
off and make-up working days on top of China's public calendar, added and removed over the
same services as the API (kht.service.settings.save_day, kht.service.days)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.auth.permissions import require
from kht.contacts.ui import text
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError
from kht.service import days
from kht.service import settings as service_settings
from kht.service.schemas import DayIn
from kht.web.error_text import translated
from kht.web.i18n import N_
from kht.web.pages import render

HOME = "/admin/service/days"
KINDS = {"off": N_("Day off"), "working": N_("Working day")}
NOTICES = {"created": N_("Added."), "removed": N_("Removed.")}
NOTE_LENGTH = 200
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def _page(request: Request, ctx: Ctx, year: int, **shown: Any) -> Template:
    require(ctx.user, days.MODULE, "admin")
    rows = days.list_days(ctx, year)
    return render(
        request,
        ctx,
        "service/days.html",
        status_code=shown.pop("status_code", 200),
        year=year,
        rows=rows,
        public={row.day: days.publicly_working(ctx, row.day) for row in rows},
        kinds=KINDS,
        weekdays=WEEKDAYS,
        years=(days.YEARS[0], days.YEARS[-1]),
        form=shown.pop("form", {}),
        errors=shown.pop("errors", {}),
        notice=NOTICES.get(request.query_params.get("done", "")),
        **shown,
    )


def _problems(data: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the posted day, field by field (English, translated on the page)."""
    problems: dict[str, str] = {}
    try:
        if date.fromisoformat(text(data, "day")).year not in days.YEARS:
            problems["day"] = N_("Choose a day from 2000 to 2100.")
    except ValueError:
        problems["day"] = N_("Enter a date (YYYY-MM-DD).")
    if text(data, "kind") not in KINDS:
        problems["kind"] = N_("Choose a day off or a working day.")
    if len(text(data, "note").strip()) > NOTE_LENGTH:
        problems["note"] = N_("The note is at most 200 characters.")
    return problems


def _refused(
    request: Request, ctx: Ctx, year: int, errors: dict[str, str], data: dict[str, Any], status: int
) -> Template:
    ctx.session.rollback()
    shown = {key: translated(message, ctx.language) for key, message in errors.items()}
    form = {key: text(data, key) for key in ("day", "kind", "note")}
    return _page(request, ctx, year, status_code=status, errors=shown, form=form)


@get(HOME, sync_to_thread=True, include_in_schema=False)
def days_page(request: Request, ctx: RequestCtx, year: FromQuery[int | None] = None) -> Template:
    """A year's company days (this year by default) and the form to add one."""
    return _page(request, ctx, year or ctx.today().year)


@post(HOME, sync_to_thread=True, include_in_schema=False)
def add_day(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Mark a day (a day already marked takes the new kind and note)."""
    require(ctx.user, days.MODULE, "admin")
    problems = _problems(data)
    if problems:
        return _refused(request, ctx, ctx.today().year, problems, data, 422)
    day = date.fromisoformat(text(data, "day"))
    entry = DayIn(day=day, working=text(data, "kind") == "working", note=text(data, "note"))
    try:
        service_settings.save_day(ctx, entry)
    except KhtError as exc:
        errors = {exc.field or "day": exc.message}
        return _refused(request, ctx, day.year, errors, data, exc.status)
    return Redirect(f"{HOME}?year={day.year}&done=created", status_code=303)


@post(HOME + "/{day:date}/remove", sync_to_thread=True, include_in_schema=False)
def remove_day(ctx: RequestCtx, day: FromPath[date]) -> Redirect:
    """Give the day back to the public calendar."""
    days.remove_day(ctx, day)
    return Redirect(f"{HOME}?year={day.year}&done=removed", status_code=303)


ROUTES = [days_page, add_day, remove_day]
