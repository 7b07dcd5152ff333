"""Report dates are the reader's days: a customer created at 2026-03-31 16:01 UTC was created
on 1 April in Beijing (a new day, month and quarter there) while it is still 31 March in UTC.

Buckets, the report's date filters, the drill-down and the list's date filters all read a
date the same way, in the reader's zone, on SQLite and PostgreSQL; the clock is frozen on
both sides of Beijing's midnight (15:59 and 16:01 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from sqlalchemy import update

from kht.auth.models import User
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.lists.engine import count, parse_filter
from kht.records import record_kinds
from kht.reports import service
from kht.testing import acting_as, add_user, api_client, runtime_of

BEFORE = datetime(2026, 3, 31, 15, 59, tzinfo=UTC)  # 23:59 on 31 March in Beijing
AFTER = datetime(2026, 3, 31, 16, 1, tzinfo=UTC)  # 00:01 on 1 April in Beijing
LATER = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 01:00 on 1 April in Beijing
# New York keeps summer time: EST (-5) until 2026-03-08 07:00 UTC, EDT (-4) after.
WINTER_EVENING = datetime(2026, 3, 8, 4, 30, tzinfo=UTC)  # 23:30 on 7 March in New York
SUMMER_EVENING = datetime(2026, 7, 1, 3, 30, tzinfo=UTC)  # 23:30 on 30 June in New York


@pytest.fixture
def created(kht_app):
    """Customers created (by the frozen clock) at each instant, and readers in three zones."""
    app = kht_app()
    runtime = runtime_of(app)
    zones = {"beijing": "Asia/Shanghai", "london": "UTC", "newyork": "America/New_York"}
    for login in zones:
        add_user(runtime, login, "administrator", is_admin=True)
    with runtime.ctx() as ctx:
        for login, zone in zones.items():
            ctx.session.execute(update(User).where(User.login == login).values(time_zone=zone))
    for instant in (BEFORE, AFTER, LATER, WINTER_EVENING, SUMMER_EVENING):
        with time_machine.travel(instant, tick=False), acting_as(runtime, "beijing") as ctx:
            create_customer(ctx, CustomerCreate(name=f"客户 {instant:%m%d %H%M}"))
    return app


def _by(ctx, bucket: str, filters=None) -> dict[str, int]:
    result = service.run_report(
        ctx, "customers.by_stage", dimensions=[f"created_at:{bucket}"], filters=filters
    )
    return {row.keys[0]: row.values[0] for row in result.rows}


@pytest.mark.parametrize("now", [BEFORE, AFTER], ids=["15:59", "16:01"])
def test_dates_bucket_by_the_beijing_readers_day(created, now):
    with time_machine.travel(now, tick=False), acting_as(runtime_of(created), "beijing") as ctx:
        assert _by(ctx, "day") == {
            "2026-03-08": 1,
            "2026-03-31": 1,
            "2026-04-01": 2,
            "2026-07-01": 1,
        }
        assert _by(ctx, "month") == {"2026-03": 2, "2026-04": 2, "2026-07": 1}
        assert _by(ctx, "quarter") == {"2026-Q1": 2, "2026-Q2": 2, "2026-Q3": 1}
        # 1 April 2026 is a Wednesday: its week began on Monday 30 March
        assert _by(ctx, "week")["2026-03-30"] == 3
        assert _by(ctx, "year") == {"2026": 5}


def test_the_same_records_bucket_by_a_utc_readers_day(created):
    with time_machine.travel(AFTER, tick=False), acting_as(runtime_of(created), "london") as ctx:
        assert _by(ctx, "day") == {
            "2026-03-08": 1,
            "2026-03-31": 3,
            "2026-07-01": 1,
        }
        assert _by(ctx, "quarter") == {"2026-Q1": 4, "2026-Q3": 1}


def test_a_zone_with_summer_time_buckets_by_its_offset_of_the_day(created):
    with time_machine.travel(AFTER, tick=False), acting_as(runtime_of(created), "newyork") as ctx:
        days = _by(ctx, "day")
        assert days["2026-03-07"] == 1  # 04:30 UTC in winter is 23:30 the evening before
        assert days["2026-06-30"] == 1  # 03:30 UTC in summer too (EDT, one hour less)
        assert days["2026-03-31"] == 3  # 11:59, 12:01 and 13:00 New York time
        assert _by(ctx, "month")["2026-06"] == 1


@pytest.mark.parametrize("now", [BEFORE, AFTER], ids=["15:59", "16:01"])
def test_date_filters_and_drill_downs_agree_with_the_list(created, now):
    runtime = runtime_of(created)
    with time_machine.travel(now, tick=False), acting_as(runtime, "beijing") as ctx:
        spec = record_kinds(ctx)["customer"]
        april = ["created_at:gte:2026-04-01", "created_at:lt:2026-05-01"]
        assert _by(ctx, "day", filters=april) == {"2026-04-01": 2}
        listed = spec.query(ctx, filters=[parse_filter(text) for text in april])
        assert count(ctx.session, listed) == 2
        result = service.run_report(ctx, "customers.by_stage", dimensions=["created_at:day"])
        for row in result.rows:
            texts = parse_qs(urlparse(row.drill).query)["f"]
            drilled = spec.query(ctx, filters=[parse_filter(text) for text in texts])
            assert count(ctx.session, drilled) == row.values[0], row.keys
    # the list API reads the same date as Beijing's 1 April, the UTC reader's as 31 March's
    with time_machine.travel(now, tick=False):
        for login, expected in (("beijing", 2), ("london", 0)):
            answer = api_client(created, login).get(
                "/api/v1/customers",
                params=[("f", "created_at:gte:2026-04-01"), ("f", "created_at:lt:2026-04-02")],
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["total"] == expected, login
