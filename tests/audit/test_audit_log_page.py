"""The audit log viewer: administrators filter every change by user, kind, record and days
(in their time zone), a page at a time; everyone else gets 403."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from kht import record_service as records
from kht.customers.service import SPEC as CUSTOMERS
from tests.team import build_team


@pytest.fixture
def team(kht_app):
    return build_team(kht_app)


def _customer_at(team, when: datetime, name: str, owner: str) -> int:
    with time_machine.travel(when, tick=False):
        return team.customer(name, owner=owner)


def _rename(team, login: str, customer_id: int, name: str) -> None:
    with team.ctx(login) as ctx:
        record = records.get_record(ctx, CUSTOMERS, customer_id)
        records.update_record(ctx, CUSTOMERS, record, record.version, {"name": name})


def _ids(page: str) -> list[str]:
    import re

    return re.findall(r'data-audit="(\d+)"', page)


def test_filters_by_user_kind_record_and_days_in_the_viewers_zone(team):
    # 23:00 on 1 May in Shanghai is 15:00 UTC; 01:00 on 2 May in Shanghai is 1 May 17:00 UTC.
    first = _customer_at(team, datetime(2026, 5, 1, 15, 0, tzinfo=UTC), "五月一日的客户", "rep1")
    second = _customer_at(team, datetime(2026, 5, 1, 17, 0, tzinfo=UTC), "五月二日的客户", "rep2")
    _rename(team, "rep1", first, "改名后的客户")
    with team.browser("admin") as admin:
        everything = admin.get("/admin/audit")
        assert everything.status_code == 200 and len(_ids(everything.text)) == 3
        by_rep1 = admin.get("/admin/audit", params={"user": team.users["rep1"]}).text
        assert len(_ids(by_rep1)) == 1 and "改名后的客户" in by_rep1
        one_record = admin.get("/admin/audit", params={"kind": "customer", "record": second}).text
        assert len(_ids(one_record)) == 1 and "五月二日的客户" in one_record
        may_first = admin.get("/admin/audit", params={"since": "2026-05-01", "until": "2026-05-01"})
        assert len(_ids(may_first.text)) == 1 and "五月一日的客户" in may_first.text
        may_second = admin.get(
            "/admin/audit", params={"since": "2026-05-02", "until": "2026-05-02"}
        )
        assert "五月二日的客户" in may_second.text and "五月一日的客户" not in may_second.text
        assert admin.get("/admin/audit", params={"kind": "lead"}).text.count("data-audit=") == 0


def test_the_log_is_paginated_newest_first(team):
    customer = team.customer("频繁修改的客户", owner="rep1")
    for k in range(55):
        _rename(team, "rep1", customer, f"第{k}次改名")
    with team.browser("admin") as admin:
        first = admin.get("/admin/audit").text
        second = admin.get("/admin/audit", params={"page": 2}).text
        assert len(_ids(first)) == 50 and len(_ids(second)) == 6
        assert "第54次改名" in first and 'data-total="56"' in first
        assert set(_ids(first)).isdisjoint(_ids(second))
        assert 'id="audit-next"' in first


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"record": "abc"}, "record"),
        ({"user": "0"}, "user"),
        ({"page": "0"}, "page"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "until"),
        ({"kind": "spaceship"}, "kind"),
    ],
)
def test_bad_filters_are_a_4xx_naming_the_field(team, params, field):
    with team.browser("admin") as admin:
        answer = admin.get("/admin/audit", params=params)
        assert 400 <= answer.status_code < 500 and field in answer.text


def test_only_administrators_read_the_log(team):
    team.customer("机密客户", owner="rep1")
    for login in ("rep1", "east_mgr", "mkt"):
        with team.browser(login) as client:
            page = client.get("/admin/audit")
            assert page.status_code == 403 and "机密客户" not in page.text


def test_a_change_is_labelled_as_the_kind_declares_its_field(team):
    # The customer's website is no list column: its label comes from RecordKind.fields.
    customer = team.customer("有网站的客户", owner="rep1")
    with team.ctx("rep1") as ctx:
        record = records.get_record(ctx, CUSTOMERS, customer)
        records.update_record(ctx, CUSTOMERS, record, record.version, {"website": "kht.example"})
    with team.browser("admin") as admin:
        page = admin.get("/admin/audit", params={"kind": "customer", "record": customer}).text
    assert "网站" in page and "kht.example" in page
    assert ">website<" not in page
