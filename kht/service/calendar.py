"""The business calendar SLA clocks run on: China's public holidays and adjusted working
weekends (调休) from the `chinese_calendar` library, the company's own days on top, and the
working hours of a day, in the company's time zone.

Every SLA deadline is "N working seconds after a moment": `add_working` walks forward over
working spans, `working_between` measures one; both take and return aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

# Beyond the years the library knows, weekends are the only days off (no guess at holidays).
_MAX_DAYS = 3660


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours `start`–`end` on working days in `zone`; `overrides` maps a company day
    to True (working) or False (day off), ahead of the public calendar."""

    zone: ZoneInfo
    start: time = time(9)
    end: time = time(18)
    overrides: dict[date, bool] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: the company's own days first, then China's
        public calendar (holidays off, adjusted weekends on), else Monday to Friday."""
        if day in self.overrides:
            return self.overrides[day]
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:  # a year the library has no data for
            return day.weekday() < 5

    def spans(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working spans (start, end) from `moment` on, the first one cut at `moment`."""
        local = moment.astimezone(self.zone)
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(day):
                begin = datetime.combine(day, self.start, tzinfo=self.zone)
                finish = datetime.combine(day, self.end, tzinfo=self.zone)
                if finish > local:
                    yield max(begin, local), finish
            day += timedelta(days=1)

    def add_working(self, moment: datetime, seconds: int) -> datetime:
        """The moment `seconds` of working time after `moment` (in `moment`'s zone)."""
        left = timedelta(seconds=max(seconds, 0))
        for begin, finish in self.spans(moment):
            if begin + left <= finish:
                return (begin + left).astimezone(moment.tzinfo)
            left -= finish - begin
        raise ValueError("no working time within ten years")

    def working_between(self, since: datetime, until: datetime) -> int:
        """Working seconds from `since` to `until` (0 when `until` is not later)."""
        total = timedelta()
        if until <= since:
            return 0
        for begin, finish in self.spans(since):
            if begin >= until:
                break
            total += min(finish, until) - begin
        return int(total.total_seconds())
