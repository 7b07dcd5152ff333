"""The pack's rules as plain functions of dates and numbers (no database): membership status,
tier decisions, points earned, lot expiry, birthdays (solar or lunar) and RFM segments."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from lunar_python import Lunar, Solar

STATUSES = ("applicant", "active", "grace", "expired", "cancelled")
# The standard RFM segments, in the order `segment_of` tries them.
SEGMENTS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "at_risk",
    "cant_lose",
    "hibernating",
    "lost",
)


def status_on(
    today: date,
    *,
    start_date: date | None,
    end_date: date | None,
    cancelled_on: date | None,
    grace_days: int,
) -> str:
    """A membership's status on `today`, CiviCRM-style from its dates.

    cancelled from `cancelled_on`; applicant until `start_date` (none yet: still an
    applicant); active from the start through `end_date` (none: lifelong); grace for
    `grace_days` after the end (renewal still keeps the membership unbroken); then expired.
    """
    if cancelled_on is not None and cancelled_on <= today:
        return "cancelled"
    if start_date is None or start_date > today:
        return "applicant"
    if end_date is None or today <= end_date:
        return "active"
    if today <= end_date + timedelta(days=grace_days):
        return "grace"
    return "expired"


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tier_move(
    current_rank: int | None, target_rank: int, today: date, review_on: date | None
) -> str:
    """What the evaluation does with a member's tier: `upgrade` at once when the window
    qualifies for a higher tier; `downgrade` only on or after the review date; `renew` (a new
    review period at the same tier) when the review date has come and the tier still holds;
    else `keep`."""
    if current_rank is None or target_rank > current_rank:
        return "upgrade"
    due = review_on is None or today >= review_on
    if target_rank < current_rank:
        return "downgrade" if due else "keep"
    return "renew" if due else "keep"


def points_for(
    amount: Decimal,
    *,
    per_yuan: Decimal,
    category: Decimal = Decimal(1),
    tier: Decimal = Decimal(1),
    campaign: Decimal = Decimal(1),
) -> int:
    """Points a purchase of `amount` earns: amount x rate x the category's, the tier's and a
    campaign's multipliers, rounded down to whole points (never below zero)."""
    raw = amount * per_yuan * category * tier * campaign
    return max(int(raw.to_integral_value(rounding=ROUND_FLOOR)), 0)


def birthday_in(birthday: date, calendar_kind: str, year: int) -> date:
    """The solar date in `year` on which a member born on `birthday` celebrates.

    Solar: the same month and day (29 February: the 28th in other years). Lunar: the same
    lunar month and day as at birth (a leap month counts as its ordinary month; a 30th in a
    29-day month is its 29th), in whichever lunar year falls on that solar year."""
    if calendar_kind != "lunar":
        last = calendar.monthrange(year, birthday.month)[1]
        return date(year, birthday.month, min(birthday.day, last))
    born = Solar.fromYmd(birthday.year, birthday.month, birthday.day).getLunar()
    month, day = abs(born.getMonth()), born.getDay()
    for lunar_year in (year - 1, year):
        solar = _lunar_to_solar(lunar_year, month, day)
        if solar.year == year:
            return solar
    return _lunar_to_solar(year, month, day)  # pragma: no cover - every year has each month


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    for candidate in (day, 29):
        try:
            solar = Lunar.fromYmd(year, month, candidate).getSolar()
        except Exception:  # noqa: BLE001, S112 - the library refuses a 30th the month lacks
            continue
        return date(solar.getYear(), solar.getMonth(), solar.getDay())
    raise ValueError(f"no lunar date {year}-{month}-{day}")


def birthday_key(birthday: date | None, calendar_kind: str) -> str:
    """The stored key of the day a member celebrates: "S05-01" or "L08-15" ("" unknown)."""
    if birthday is None:
        return ""
    if calendar_kind != "lunar":
        return f"S{birthday.month:02d}-{birthday.day:02d}"
    born = Solar.fromYmd(birthday.year, birthday.month, birthday.day).getLunar()
    return f"L{abs(born.getMonth()):02d}-{born.getDay():02d}"


def keys_celebrating(today: date) -> list[str]:
    """The birthday keys celebrated on `today`: its solar and lunar month-day, plus the 29
    February (solar) and the lunar 30th that this year lacks, held on the day before."""
    keys = [f"S{today.month:02d}-{today.day:02d}"]
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        keys.append("S02-29")
    lunar = Solar.fromYmd(today.year, today.month, today.day).getLunar()
    month, day = abs(lunar.getMonth()), lunar.getDay()
    if lunar.getMonth() < 0:  # a leap month: born in it, celebrated in the ordinary one
        return keys
    keys.append(f"L{month:02d}-{day:02d}")
    if day == 29 and Lunar.fromYmd(lunar.getYear(), month, 29).next(1).getDay() == 1:
        keys.append(f"L{month:02d}-30")
    return keys


def lunar_label(birthday: date) -> str:
    """The lunar month and day of a solar date, in Chinese (e.g. 八月十五)."""
    born = Solar.fromYmd(birthday.year, birthday.month, birthday.day).getLunar()
    return f"{born.getMonthInChinese()}月{born.getDayInChinese()}"


def segment_of(r: int, f: int, m: int) -> str:
    """The standard RFM segment of quintile scores 1..5 ("" without purchases).

    With fm = f + m (2..10): champions r>=4, fm>=8; loyal r>=3, fm>=6; new r>=4, fm<=3;
    potential the other r>=3; can't lose r<=2, fm>=9; at risk r<=2, fm>=6; hibernating
    r=2; lost r=1."""
    if not r:
        return ""
    fm = f + m
    if r >= 4 and fm >= 8:
        return "champions"
    if r >= 3 and fm >= 6:
        return "loyal"
    if r >= 4 and fm <= 3:
        return "new"
    if r >= 3:
        return "potential"
    if fm >= 9:
        return "cant_lose"
    if fm >= 6:
        return "at_risk"
    return "hibernating" if r == 2 else "lost"
