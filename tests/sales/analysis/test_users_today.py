""" "Today" and periods are the reading user's, on both sides of midnight in Beijing.

2026-03-31 15:59 UTC is 23:59 on 31 March in Beijing; two minutes later it is 00:01 on
1 April there (a new day, month and quarter) while the UTC date is still 31 March. The clock
is frozen with time-machine, so the result does not depend on when the suite runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest
import time_machine
from litestar.testing import TestClient

from kht.testing import log_in

BEFORE = datetime(2026, 3, 31, 15, 59, tzinfo=UTC)  # 23:59 in Beijing, 31 March
AFTER = datetime(2026, 3, 31, 16, 1, tzinfo=UTC)  # 00:01 in Beijing, 1 April
BOTH_SIDES = pytest.mark.parametrize(
    ("instant", "beijing_day"), [(BEFORE, date(2026, 3, 31)), (AFTER, date(2026, 4, 1))]
)


@BOTH_SIDES
def test_today_is_the_beijing_users_date_and_the_utc_users_date(sales, instant, beijing_day):
    with time_machine.travel(instant, tick=False), sales.ctx("rep1") as ctx:
        assert ctx.today() == beijing_day
        ctx.user = msgspec.structs.replace(ctx.user, time_zone="UTC")
        assert ctx.today() == date(2026, 3, 31)


def test_period_boundaries_are_the_users_as_utc_instants(sales):
    with time_machine.travel(AFTER, tick=False), sales.ctx("rep1") as ctx:
        assert ctx.period("day") == (AFTER.replace(minute=0), datetime(2026, 4, 1, 16, tzinfo=UTC))
        # 1 April 2026 is a Wednesday: the week began on Monday 30 March (Beijing).
        assert ctx.period("week")[0] == datetime(2026, 3, 29, 16, tzinfo=UTC)
        assert ctx.period("month") == (
            datetime(2026, 3, 31, 16, tzinfo=UTC),
            datetime(2026, 4, 30, 16, tzinfo=UTC),
        )
        assert ctx.period("quarter")[1] == datetime(2026, 6, 30, 16, tzinfo=UTC)
        assert ctx.period("year", date(2026, 3, 31)) == (
            datetime(2025, 12, 31, 16, tzinfo=UTC),
            datetime(2026, 12, 31, 16, tzinfo=UTC),
        )


def test_an_unknown_time_zone_falls_back_to_beijing(sales):
    with time_machine.travel(AFTER, tick=False), sales.ctx("rep1") as ctx:
        ctx.user = msgspec.structs.replace(ctx.user, time_zone="Mars/Olympus")
        assert ctx.today() == date(2026, 4, 1)


@BOTH_SIDES
def test_the_default_funnel_ends_on_the_users_today(sales, instant, beijing_day):
    """An opportunity opened a minute ago counts in the default funnel at any hour."""
    with time_machine.travel(instant, tick=False):
        sales.opportunity("rep1", "1000.00", at=instant)
        answer = sales.client("rep1").get("/api/v1/funnel")
        client = TestClient(sales.app)
        log_in(client, "rep1")
        page = client.get("/funnel")
    assert answer.status_code == 200, answer.text
    assert answer.json()["end"] == beijing_day.isoformat()
    assert answer.json()["stages"][0]["reached"] == 1
    assert f'value="{beijing_day.isoformat()}"' in page.text
    reached = page.text.split('data-stage="qualify"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">1</td>' in reached


@BOTH_SIDES
def test_the_default_forecast_is_the_users_current_quarter(sales, instant, beijing_day):
    with time_machine.travel(instant, tick=False):
        answer = sales.client("east_mgr").get("/api/v1/forecast")
    assert answer.status_code == 200, answer.text
    quarter_start = date(2026, 1, 1) if beijing_day.month == 3 else date(2026, 4, 1)
    assert answer.json()["start"] == quarter_start.isoformat()


@BOTH_SIDES
def test_list_dates_are_the_users_dates(sales, instant, beijing_day):
    with time_machine.travel(instant, tick=False):
        sales.customer("深夜新建的客户", "rep1")
        client = TestClient(sales.app)
        log_in(client, "rep1")
        page = client.get("/customers", params={"columns": "name,created_at"})
    assert page.status_code == 200
    row = page.text.split("深夜新建的客户", 1)[1].split("</tr>", 1)[0]
    assert beijing_day.isoformat() in row
