"""Time rules, evaluated by the worker's tick: a birthday in the company's time zone across
the UTC date boundary, days since contact, days before a date, schedules; once per
occurrence with two workers racing and after a worker stopped mid-run; preview == run."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import update

from kht import record_service as records
from kht.automation.models import DONE, PENDING
from kht.automation.service import preview
from kht.contacts.service import SPEC as CONTACTS
from kht.customers.models import Customer
from tests.automation import flaky_plugin
from tests.automation.conftest import custom_field, plan, planned, rule, runs, worker_tick

# 2026-12-08 begins in Shanghai at 2026-12-07 16:00 UTC.
BEFORE_MIDNIGHT = datetime(2026, 12, 7, 15, 59, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 12, 7, 16, 1, tzinfo=UTC)


def _contact(team, name: str, birthday: date | None, owner: str = "rep1") -> int:
    customer_id = team.customer(f"{name}的公司", owner=owner)
    with team.ctx("admin") as ctx:
        values = {"name": name, "customer_id": customer_id, "birthday": birthday}
        return records.create_record(ctx, CONTACTS, values, owner_id=team.users[owner]).id


def _birthday_rule(team, actions=None, **params) -> int:
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        return rule(
            team,
            "contact",
            "date_anniversary",
            actions or [plan("生日祝福")],
            params={"field": "birthday", **params},
        )


def test_a_birthday_fires_on_the_day_in_shanghai_not_on_the_utc_day(team):
    rule_id = _birthday_rule(team)
    born = _contact(team, "寿星", date(1990, 12, 8))
    other = _contact(team, "昨天的寿星", date(1990, 12, 7))
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):  # 23:59 on 7 Dec in Shanghai
        worker_tick(team)
        assert [r.record_id for r in runs(team, rule_id)] == [other]
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):  # 00:01 on 8 Dec, still 7 Dec in UTC
        worker_tick(team)
        worker_tick(team)
    assert [(r.record_id, r.occurrence, r.status) for r in runs(team, rule_id)] == [
        (other, "2026", DONE),
        (born, "2026", DONE),
    ]
    assert [t.record_id for t in planned(team, "生日祝福")] == [other, born]
    # Next year is another occurrence.
    with time_machine.travel(AFTER_MIDNIGHT.replace(year=2027), tick=False):
        worker_tick(team)
    assert [(r.record_id, r.occurrence) for r in runs(team, rule_id)][2:] == [(born, "2027")]


def test_days_before_the_anniversary_and_a_leap_day_birthday(team):
    rule_id = _birthday_rule(team, offset_days=-3)
    leap = _contact(team, "闰日", date(2000, 2, 29))
    with time_machine.travel(datetime(2027, 2, 25, 1, 0, tzinfo=UTC), tick=False):
        # 25 Feb in Shanghai: three days before 28 Feb, where 29 Feb falls in 2027.
        worker_tick(team)
    assert [(r.record_id, r.occurrence) for r in runs(team, rule_id)] == [(leap, "2027")]


def test_two_workers_racing_fire_each_birthday_once(team):
    rule_id = _birthday_rule(team)
    born = [_contact(team, f"寿星{i}", date(1980 + i, 12, 8)) for i in range(8)]
    barrier = threading.Barrier(2)
    errors = []

    def worker() -> None:
        try:
            barrier.wait()
            worker_tick(team)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    done = runs(team, rule_id)
    assert sorted(r.record_id for r in done) == born
    assert {r.status for r in done} == {DONE}
    assert sorted(t.record_id for t in planned(team, "生日祝福")) == born


def test_a_worker_stopped_mid_run_leaves_nothing_half_done_and_runs_it_once(team):
    rule_id = _birthday_rule(team, actions=[plan("生日祝福"), {"type": "flaky.halt"}])
    born = _contact(team, "重启", date(1990, 12, 8))
    flaky_plugin.HALT["armed"] = True
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        with pytest.raises(SystemExit):
            worker_tick(team)
        [run] = runs(team, rule_id)
        assert (run.status, run.attempts) == (PENDING, 0)
        assert planned(team, "生日祝福") == []  # the first action went with the rollback
        worker_tick(team)  # the restarted worker
        worker_tick(team)
    [run] = runs(team, rule_id)
    assert (run.status, run.attempts) == (DONE, 1)
    assert [t.record_id for t in planned(team, "生日祝福")] == [born]


def test_preview_shows_what_the_run_then_hits(team):
    custom_field(team, "contact", "vip", "boolean")
    rule_id = _birthday_rule(team)
    with team.ctx("admin") as ctx:
        from kht.automation.models import Rule

        ctx.session.get(Rule, rule_id).conditions = ["ext.custom.vip:eq:true"]
    vip = _contact(team, "贵宾", date(1990, 12, 8))
    _contact(team, "普通", date(1991, 12, 8))
    _contact(team, "不同日", date(1991, 12, 9))
    with team.ctx("admin") as ctx:
        record = records.get_record(ctx, CONTACTS, vip)
        records.update_record(ctx, CONTACTS, record, None, {"ext": {"custom": {"vip": True}}})
    with time_machine.travel(AFTER_MIDNIGHT, tick=False):
        with team.ctx("admin") as ctx:
            shown = preview(ctx, rule_id)
        assert [(i.record_id, i.occurrence, i.already_run) for i in shown.items] == [
            (vip, "2026", False)
        ]
        worker_tick(team)
        assert [r.record_id for r in runs(team, rule_id)] == [i.record_id for i in shown.items]
        with team.ctx("admin") as ctx:
            assert [i.already_run for i in preview(ctx, rule_id).items] == [True]


def test_days_since_last_contact_fires_once_per_silence(team):
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        rule_id = rule(team, "customer", "days_since_contact", [plan("回访")], params={"days": 30})
        quiet = team.customer("沉睡客户", owner="rep1")
        team.customer("活跃客户", owner="rep1")
    with team.ctx(None) as ctx:
        ctx.session.execute(
            update(Customer)
            .where(Customer.id == quiet)
            .values(last_contact_at=start - timedelta(days=45))
        )
    with time_machine.travel(start + timedelta(days=1), tick=False):
        worker_tick(team)
        worker_tick(team)
    assert [r.record_id for r in runs(team, rule_id)] == [quiet]


def test_days_before_a_custom_date_and_a_schedule(team):
    custom_field(team, "customer", "renewal", "date")
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Tuesday
    with time_machine.travel(start, tick=False):
        renewal = rule(
            team,
            "customer",
            "days_before_date",
            [plan("续约提醒")],
            params={"field": "ext.custom.renewal", "days": 7},
        )
        weekly = rule(
            team,
            "customer",
            "schedule",
            [plan("周例会")],
            params={"every": "weekly", "weekday": 2, "at": "09:00"},
            conditions=["name:contains:续约"],
        )
    due = team.customer("续约客户", owner="rep1", ext={"custom": {"renewal": "2026-12-09"}})
    team.customer("续约晚些", owner="rep1", ext={"custom": {"renewal": "2026-12-10"}})
    with time_machine.travel(datetime(2026, 12, 2, 0, 30, tzinfo=UTC), tick=False):
        worker_tick(team)  # Wednesday 08:30 in Shanghai: renewal due, the 09:00 slot not yet
        assert runs(team, weekly) == []
    with time_machine.travel(datetime(2026, 12, 2, 1, 5, tzinfo=UTC), tick=False):
        worker_tick(team)
        worker_tick(team)
    assert [(r.record_id, r.occurrence) for r in runs(team, renewal)] == [(due, "2026-12-09")]
    assert len(runs(team, weekly)) == 2
    assert {r.occurrence for r in runs(team, weekly)} == {"slot:2026-12-02T09:00"}


def test_a_holiday_on_a_configured_date_and_a_yearly_one(team):
    start = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        spring = rule(
            team,
            "customer",
            "schedule",
            [plan("春节问候")],
            params={"every": "once", "on": "2027-02-06", "at": "08:00"},
        )
        national = rule(
            team,
            "customer",
            "schedule",
            [plan("国庆问候")],
            params={"every": "yearly", "month": 10, "day": 1, "at": "08:00"},
        )
    customer_id = team.customer("节日客户", owner="rep1")
    # 08:30 on 6 Feb in Shanghai is 00:30 UTC.
    with time_machine.travel(datetime(2027, 2, 6, 0, 30, tzinfo=UTC), tick=False):
        worker_tick(team)
        worker_tick(team)
    with time_machine.travel(datetime(2027, 2, 8, 0, 30, tzinfo=UTC), tick=False):
        worker_tick(team)  # a day too late for a missed slot: not made up for
    assert [(r.record_id, r.occurrence) for r in runs(team, spring)] == [
        (customer_id, "slot:2027-02-06T08:00")
    ]
    with time_machine.travel(datetime(2027, 10, 1, 0, 5, tzinfo=UTC), tick=False):
        worker_tick(team)
    assert [r.occurrence for r in runs(team, national)] == ["slot:2027-10-01T08:00"]


def test_an_order_placed_is_the_customers_moment(team):
    from decimal import Decimal

    from kht.products.schemas import ProductCreate
    from kht.products.service import create_product

    after = rule(team, "customer", "order_placed", [plan("售后回访", due_in_days=7)])
    customer_id = team.customer("下单客户", owner="rep1")
    with team.ctx("admin") as ctx:
        product = create_product(
            ctx, ProductCreate(code="P-9", name="仪表", list_price=Decimal("5.00"))
        ).id
    api = team.client("rep1")
    quote = api.post(
        "/api/v1/quotes",
        json={
            "title": "报价",
            "customer_id": customer_id,
            "lines": [{"product_id": product, "quantity": "2"}],
        },
    ).json()
    api.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).status_code == 201
    assert [(r.kind, r.record_id, r.status) for r in runs(team, after)] == [
        ("customer", customer_id, DONE)
    ]
    assert [t.record_id for t in planned(team, "售后回访")] == [customer_id]
