"""The business calendar's worked examples: working hours 09:00-18:00 in Shanghai, across a
weekend, the National Day holiday, an adjusted working Saturday (调休) and a company day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kht.service.calendar import BusinessCalendar

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SH)


def test_four_working_hours_from_friday_afternoon_end_on_monday_noon():
    calendar = BusinessCalendar(zone=SH)
    # Friday 4 Dec 2026 17:00: one hour left that day, then Saturday and Sunday off.
    due = calendar.add_working(at(date(2026, 12, 4), 17), 4 * HOUR)
    assert due == at(date(2026, 12, 7), 12)
    assert calendar.working_between(at(date(2026, 12, 4), 17), due) == 4 * HOUR


def test_the_national_day_holiday_is_skipped_whole():
    calendar = BusinessCalendar(zone=SH)
    # Wednesday 30 Sep 2026 16:00: two hours that day, then 1-7 October are public holidays;
    # eight working hours end at 15:00 on Thursday 8 October.
    due = calendar.add_working(at(date(2026, 9, 30), 16), 8 * HOUR)
    assert due == at(date(2026, 10, 8), 15)
    assert not calendar.is_working_day(date(2026, 10, 5))  # a Monday, but a holiday


def test_an_adjusted_working_saturday_counts_and_the_sunday_after_does_not():
    calendar = BusinessCalendar(zone=SH)
    saturday = date(2026, 10, 10)  # a working Saturday (调休) after National Day
    assert calendar.is_working_day(saturday)
    # Friday 9 Oct 17:00 + two working hours: one on Friday, one on the working Saturday.
    assert calendar.add_working(at(date(2026, 10, 9), 17), 2 * HOUR) == at(saturday, 10)
    # Saturday 17:30 + one hour: half an hour left, Sunday off, Monday 09:30.
    assert calendar.add_working(at(saturday, 17, 30), HOUR) == at(date(2026, 10, 12), 9, 30)


def test_company_days_override_the_public_calendar():
    outing = date(2026, 12, 8)  # a Tuesday the company takes off
    calendar = BusinessCalendar(zone=SH, overrides={outing: False, date(2026, 12, 12): True})
    assert calendar.add_working(at(date(2026, 12, 7), 17), 2 * HOUR) == at(date(2026, 12, 9), 10)
    # Friday 11 Dec 17:00 + two hours: the company works Saturday 12 Dec.
    assert calendar.add_working(at(date(2026, 12, 11), 17), 2 * HOUR) == at(date(2026, 12, 12), 10)


def test_a_ticket_opened_at_night_starts_counting_next_morning_and_utc_in_utc_out():
    calendar = BusinessCalendar(zone=SH)
    # 16:01 UTC on Monday 7 Dec is 00:01 on Tuesday in Shanghai.
    opened = datetime(2026, 12, 7, 16, 1, tzinfo=UTC)
    due = calendar.add_working(opened, 30 * 60)
    assert due.tzinfo == UTC
    assert due == at(date(2026, 12, 8), 9, 30).astimezone(UTC)
    assert calendar.add_working(opened - timedelta(minutes=2), 30 * 60) == due
