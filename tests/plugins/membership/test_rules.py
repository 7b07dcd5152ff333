"""The pack's rules as worked examples: status from dates, tier moves, points, birthdays
(solar and lunar), RFM segments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plugins.membership import rules

JOINED = date(2025, 1, 1)
ENDS = date(2025, 12, 31)


@pytest.mark.parametrize(
    ("today", "cancelled", "expected"),
    [
        (date(2024, 12, 31), None, "applicant"),  # before the start
        (JOINED, None, "active"),
        (ENDS, None, "active"),  # the last day still counts
        (date(2026, 1, 1), None, "grace"),  # the day after the end: 30 days of grace
        (date(2026, 1, 30), None, "grace"),
        (date(2026, 1, 31), None, "expired"),
        (date(2025, 6, 1), date(2025, 5, 1), "cancelled"),  # cancellation wins
        (date(2025, 4, 1), date(2025, 5, 1), "active"),  # not yet cancelled
    ],
)
def test_status_follows_the_dates_with_a_grace_period(today, cancelled, expected):
    status = rules.status_on(
        today, start_date=JOINED, end_date=ENDS, cancelled_on=cancelled, grace_days=30
    )
    assert status == expected


def test_no_start_is_an_applicant_and_no_end_is_lifelong():
    assert (
        rules.status_on(JOINED, start_date=None, end_date=None, cancelled_on=None, grace_days=0)
        == "applicant"
    )
    assert (
        rules.status_on(
            date(2040, 1, 1), start_date=JOINED, end_date=None, cancelled_on=None, grace_days=0
        )
        == "active"
    )
    # No grace: expired the day after the end.
    assert (
        rules.status_on(
            date(2026, 1, 1), start_date=JOINED, end_date=ENDS, cancelled_on=None, grace_days=0
        )
        == "expired"
    )


def test_tier_moves_upgrade_at_once_and_downgrade_only_at_review():
    review = date(2026, 6, 1)
    assert rules.tier_move(1, 2, date(2026, 1, 5), review) == "upgrade"
    assert rules.tier_move(2, 1, date(2026, 5, 31), review) == "keep"
    assert rules.tier_move(2, 1, review, review) == "downgrade"
    assert rules.tier_move(2, 2, date(2026, 5, 31), review) == "keep"
    assert rules.tier_move(2, 2, review, review) == "renew"
    assert rules.tier_move(None, 0, review, None) == "upgrade"  # no tier yet


def test_points_multiply_and_round_down():
    assert rules.points_for(Decimal("99.99"), per_yuan=Decimal(1)) == 99
    assert (
        rules.points_for(
            Decimal("100"),
            per_yuan=Decimal(1),
            category=Decimal(2),
            tier=Decimal("1.5"),
            campaign=Decimal(2),
        )
        == 600
    )


def test_months_end_on_the_last_day():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_solar_birthday_and_the_29th_of_february():
    assert rules.birthday_in(date(1990, 5, 1), "solar", 2026) == date(2026, 5, 1)
    assert rules.birthday_in(date(1992, 2, 29), "solar", 2026) == date(2026, 2, 28)
    assert "S02-29" in rules.keys_celebrating(date(2026, 2, 28))
    assert "S02-29" not in rules.keys_celebrating(date(2028, 2, 28))


def test_a_lunar_birthday_moves_with_the_lunar_calendar():
    # Born 3 Oct 1990, the 15th of the 8th lunar month (中秋): in 2026 that is 25 September.
    born = date(1990, 10, 3)
    assert rules.lunar_label(born) == "八月十五"
    assert rules.birthday_key(born, "lunar") == "L08-15"
    assert rules.birthday_in(born, "lunar", 2026) == date(2026, 9, 25)
    assert rules.birthday_in(born, "lunar", 2027) == date(2027, 9, 15)
    assert "L08-15" in rules.keys_celebrating(date(2026, 9, 25))
    # A 12th-month birthday falls in the next solar year's January or February.
    assert rules.birthday_in(date(1990, 1, 20), "lunar", 2026) == date(2026, 2, 11)
    # The lunar 2nd month of 2026 has 29 days: a birthday on the 30th is held on the 29th.
    assert {"L02-29", "L02-30"} <= set(rules.keys_celebrating(date(2026, 4, 16)))


@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        (5, 5, 5, "champions"),
        (4, 4, 4, "champions"),
        (3, 4, 4, "loyal"),
        (5, 3, 3, "loyal"),
        (5, 1, 1, "new"),
        (4, 2, 3, "potential"),
        (3, 1, 2, "potential"),
        (2, 3, 4, "at_risk"),
        (1, 5, 5, "cant_lose"),
        (2, 1, 2, "hibernating"),
        (1, 1, 1, "lost"),
        (0, 0, 0, ""),
    ],
)
def test_the_standard_rfm_segments(r, f, m, segment):
    assert rules.segment_of(r, f, m) == segment


def test_every_score_combination_has_a_segment():
    found = {
        rules.segment_of(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)
    }
    assert found == set(rules.SEGMENTS)
