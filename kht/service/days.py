"""Company days on the business calendar: the days off and make-up working days the company
sets on top of China's public calendar, listed by year and removed (administrators of
tickets). Marking one is `kht.service.settings.save_day`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.service.calendar import BusinessCalendar
from kht.service.models import ServiceDay
from kht.service.sla import calendar_of, forget_calendar

MODULE = "tickets"
# The years a calendar page or query may ask for (the SLA clock looks ten years ahead at most).
YEARS = range(2000, 2101)


def list_days(ctx: Ctx, year: int) -> list[ServiceDay]:
    """The company days of `year`, in date order."""
    require(ctx.user, MODULE, "view")
    if year not in YEARS:
        raise ValidationError(f"the year must be from {YEARS[0]} to {YEARS[-1]}", "year")
    query = select(ServiceDay).where(
        ServiceDay.day >= date(year, 1, 1), ServiceDay.day <= date(year, 12, 31)
    )
    return list(ctx.session.scalars(query.order_by(ServiceDay.day)))


def remove_day(ctx: Ctx, day: date) -> None:
    """Give `day` back to the public calendar (404 when the company set nothing for it)."""
    require(ctx.user, MODULE, "admin")
    row = ctx.session.scalar(select(ServiceDay).where(ServiceDay.day == day))
    if row is None:
        raise NotFound(f"no company day on {day.isoformat()}")
    ctx.session.delete(row)
    ctx.session.flush()
    forget_calendar(ctx)


def publicly_working(ctx: Ctx, day: date) -> bool:
    """Whether China's public calendar alone makes `day` a working day (what removing the
    company's mark gives back)."""
    return BusinessCalendar(zone=calendar_of(ctx).zone).is_working_day(day)
