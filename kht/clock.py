"""The user's calendar: time zones, "today" and period boundaries (day to year).

Times are stored in UTC, but a day, a week or a month is the reading user's: between 16:00
and 24:00 UTC a Beijing user is already on the next day. Everything that needs "today" or a
period asks `Ctx.today()` / `Ctx.period()`, which use the functions here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
Period = Literal["day", "week", "month", "quarter", "year"]
PERIODS: tuple[Period, ...] = ("day", "week", "month", "quarter", "year")
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


def zone_of(user: Any) -> ZoneInfo:
    """The user's time zone; Asia/Shanghai for no user or an unknown zone name."""
    name = getattr(user, "time_zone", None) or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def company_zone(settings: Any) -> ZoneInfo:
    """The company's time zone (KHT_COMPANY_TIME_ZONE; Asia/Shanghai when unknown): the days
    of schedules, birthdays and nightly work."""
    try:
        return ZoneInfo(getattr(settings, "company_time_zone", "") or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(period: Period, day: date) -> date:
    """The first day of the `period` holding `day` (weeks start on Monday)."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def period_after(period: Period, start: date) -> date:
    """The first day after the `period` starting on `start` (an exclusive end)."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return add_months(start, MONTHS_IN[period])


def midnight(day: date, zone: tzinfo) -> datetime:
    """The instant `day` begins in `zone`, in UTC (the value to compare stored times with)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored time (naive means UTC, as SQLite gives it back) in `zone`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


@lru_cache(maxsize=64)
def fixed_offset(zone: ZoneInfo) -> timedelta | None:
    """The zone's UTC offset when it has kept one since 1992 (Asia/Shanghai: +8 h), else
    None (a zone with summer time): SQL can then shift stored times by a constant."""
    offsets = {
        datetime(year, month, 1, 12, tzinfo=zone).utcoffset()
        for year in range(1992, 2101)
        for month in (1, 7)
    }
    return offsets.pop() if len(offsets) == 1 else None


def local_day_text(stored: Any, zone_name: str) -> str | None:
    """A UTC time as SQLite stores it ("2026-03-31 17:00:00.000000") as the day in the named
    zone ("2026-04-01" in Asia/Shanghai): the SQL function `kht_local_day` on SQLite, for
    zones whose offset changes (summer time)."""
    if stored is None:
        return None
    value = datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone_name)).date().isoformat()
