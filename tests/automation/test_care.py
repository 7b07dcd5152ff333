"""Care strategies (/care): a manager picks whom, when and how; each customer is cared for once
per moment within the manager's scope; the care history is on the customer's page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import update

from kht import record_service as records
from kht.automation.care import CareIn, create_care
from kht.contacts.service import SPEC as CONTACTS
from kht.customers.models import Customer
from kht.customers.service import SPEC as CUSTOMERS
from kht.lists.engine import Filter
from kht.lists.service import save_view
from kht.testing import page_client
from tests.automation.conftest import planned, runs, worker_tick

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _quiet(team, *names_owners) -> list[int]:
    ids = [team.customer(name, owner=owner) for name, owner in names_owners]
    with team.ctx(None) as ctx:
        ctx.session.execute(
            update(Customer)
            .where(Customer.id.in_(ids))
            .values(last_contact_at=START - timedelta(days=100))
        )
    return ids


def test_a_managers_dormant_care_reaches_the_teams_segment_once(team):
    east, other_vip, west = _quiet(
        team, ("东区VIP", "rep1"), ("东区普通", "rep2"), ("西区VIP", "west_rep")
    )
    with team.ctx("admin") as ctx:
        for customer_id in (east, west):
            record = records.get_record(ctx, CUSTOMERS, customer_id)
            records.update_record(ctx, CUSTOMERS, record, None, {"source": "VIP展会"})
    with time_machine.travel(START, tick=False):
        with team.ctx("east_mgr") as ctx:
            segment = save_view(
                ctx,
                "customer",
                CUSTOMERS.columns(ctx),
                name="VIP",
                filters=[Filter(field="source", op="contains", value="VIP")],
                sort="-updated_at",
                shown=["name"],
                shared=True,
                segment=True,
            )
            rule_id = create_care(
                ctx,
                CareIn(
                    name="沉睡90天回访",
                    moment="dormant",
                    days=90,
                    channel="call",
                    subject="关怀回访",
                    message="问候近况",
                    segment_id=segment.id,
                ),
            ).id
        worker_tick(team)
        worker_tick(team)
    # West's VIP is outside the East manager's scope; East's other customer is no VIP.
    assert [r.record_id for r in runs(team, rule_id)] == [east]
    [call] = planned(team, "关怀回访")
    assert (call.record_id, call.type, call.owner_id, call.body) == (
        east,
        "call",
        team.users["rep1"],
        "问候近况",
    )
    page = page_client(team.app, "rep1").get(f"/customers/{east}")
    assert page.status_code == 200
    assert "客户关怀" in page.text and "沉睡90天回访" in page.text


def test_birthday_care_the_day_before_in_the_company_zone(team):
    customer_id = team.customer("生日公司", owner="rep1")
    with team.ctx("admin") as ctx:
        contact_id = records.create_record(
            ctx,
            CONTACTS,
            {"name": "张三", "customer_id": customer_id, "birthday": date(1985, 12, 9)},
            owner_id=team.users["rep1"],
        ).id
    with time_machine.travel(START, tick=False):
        with team.ctx("admin") as ctx:
            rule_id = create_care(
                ctx,
                CareIn(
                    name="生日前一天",
                    moment="birthday",
                    days=1,
                    channel="notify",
                    subject="明天是张三生日",
                ),
            ).id
    with time_machine.travel(datetime(2026, 12, 7, 16, 30, tzinfo=UTC), tick=False):
        worker_tick(team)  # 8 December in Shanghai: the day before the 9th
    assert [(r.kind, r.record_id) for r in runs(team, rule_id)] == [("contact", contact_id)]


def test_the_care_page_adds_a_strategy_and_names_bad_input(team):
    manager = page_client(team.app, "east_mgr")
    page = manager.get("/care")
    assert page.status_code == 200 and "新建关怀策略" in page.text
    missing = manager.post(
        "/care",
        data={"name": "春节问候", "moment": "holiday", "channel": "task", "subject": "春节快乐"},
    )
    assert missing.status_code == 422 and 'id="care-on"' in missing.text
    assert "春节快乐" in missing.text  # what was typed stays
    saved = manager.post(
        "/care",
        data={
            "name": "春节问候",
            "moment": "holiday",
            "on": "2027-02-06",
            "at": "08:00",
            "channel": "task",
            "subject": "春节快乐",
        },
        follow_redirects=False,
    )
    assert saved.status_code in (302, 303), saved.text
    listed = manager.get("/care")
    assert "春节问候" in listed.text and "2027-02-06" in listed.text
    no_field = manager.post(
        "/care",
        data={"name": "周年", "moment": "anniversary", "channel": "task", "subject": "周年"},
    )
    assert no_field.status_code == 422
    assert page_client(team.app, "rep1").get("/care").status_code == 403
