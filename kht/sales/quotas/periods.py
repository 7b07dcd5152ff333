"""Months, quarters and years as quotas and forecasts use them: a period is named by its
first day (2026-04-01 is the second quarter of 2026 when the period is a quarter)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kht.clock import MONTHS_IN, add_months, period_start
from kht.errors import ValidationError
from kht.sales.quotas.models import PERIODS

QUARTER_MONTHS = (1, 4, 7, 10)


def check_period(period: Any, field: str = "period") -> str:
    """`period` if it is month, quarter or year; else a 422 naming `field`."""
    if period not in PERIODS:
        raise ValidationError(f"{field} must be one of: {', '.join(PERIODS)}", field)
    return period


def check_start(period: str, start: date, field: str = "period_start") -> date:
    """`start` if it is the first day of a `period`; else a 422 naming `field`."""
    if period == "month" and start.day != 1:
        raise ValidationError(f"{field}: a month starts on day 1", field)
    if period == "quarter" and (start.day != 1 or start.month not in QUARTER_MONTHS):
        raise ValidationError(f"{field}: a quarter starts on Jan 1, Apr 1, Jul 1 or Oct 1", field)
    if period == "year" and (start.day != 1 or start.month != 1):
        raise ValidationError(f"{field}: a year starts on Jan 1", field)
    return start


def period_end(period: str, start: date) -> date:
    """The day after the period (exclusive end)."""
    return add_months(start, MONTHS_IN[period])


def last_day(period: str, start: date) -> date:
    return period_end(period, start) - timedelta(days=1)


def starts_in_year(period: str, year: int) -> list[date]:
    """The first days of every `period` of `year`."""
    step = {"month": 1, "quarter": 3, "year": 12}[period]
    return [date(year, month, 1) for month in range(1, 13, step)]


def period_of(period: str, day: date) -> date:
    """The first day of the `period` that contains `day`."""
    return period_start(period, day)  # type: ignore[arg-type]


def parse_date(text: Any, field: str) -> date:
    """A YYYY-MM-DD date, or a 422 naming `field`."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValidationError(f"{field} must be a date like 2026-04-01", field) from None


def label(period: str, start: date) -> str:
    """A short label: 2026-04, 2026 Q2, 2026."""
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
