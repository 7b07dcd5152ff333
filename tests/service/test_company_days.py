"""The company days page (`/admin/service/days`): an administrator of tickets adds and removes
the company's days off and make-up working days of a year, which the SLA calendar follows;
bad input is the page again with a 422 and a message under each wrong field; nobody else
opens it. The API lists and removes days as the page does."""

from __future__ import annotations

from datetime import date

import time_machine
from litestar.testing import TestClient

from kht.service.sla import calendar_of
from kht.testing import csrf_token, log_in
from tests.service.conftest import MONDAY_10

PAGE = "/admin/service/days"


def _browser(desk, login="admin") -> TestClient:
    browser = TestClient(desk.app)
    log_in(browser, login)
    return browser


def _add(browser: TestClient, **fields: str):
    return browser.post(PAGE, data={"_csrf_token": csrf_token(browser), **fields})


def _listed(desk, year: int = 2026) -> list[dict]:
    response = desk.client("admin").get(f"/api/v1/service/days?year={year}")
    assert response.status_code == 200, response.text
    return response.json()


@time_machine.travel(MONDAY_10, tick=False)
def test_an_administrator_adds_and_removes_company_days(desk):
    with _browser(desk) as browser:
        page = browser.get(PAGE)
        assert page.status_code == 200 and 'id="no-days"' in page.text
        assert 'id="days-year">2026<' in page.text  # this year by default
        assert f'href="{PAGE}"' in browser.get("/admin/service").text
        assert f'href="{PAGE}"' in browser.get("/admin").text
        outing = _add(browser, day="2026-12-31", kind="off", note="年终盘点")
        assert outing.status_code == 200 and 'id="notice"' in outing.text
        assert 'data-day="2026-12-31"' in outing.text and "年终盘点" in outing.text
        saturday = _add(browser, day="2026-12-26", kind="working", note="补班")
        assert 'data-day="2026-12-26"' in saturday.text
        next_year = _add(browser, day="2027-01-04", kind="off", note="")
        assert 'id="days-year">2027<' in next_year.text  # the page of the day's year
    assert _listed(desk) == [
        {"day": "2026-12-26", "working": True, "note": "补班"},
        {"day": "2026-12-31", "working": False, "note": "年终盘点"},
    ]
    with desk.ctx("admin") as ctx:
        calendar = calendar_of(ctx)
        assert not calendar.is_working_day(date(2026, 12, 31))  # a Thursday
        assert calendar.is_working_day(date(2026, 12, 26))  # a Saturday
    with _browser(desk) as browser:
        removed = browser.post(
            f"{PAGE}/2026-12-31/remove", data={"_csrf_token": csrf_token(browser)}
        )
        assert removed.status_code == 200 and 'data-day="2026-12-31"' not in removed.text
    assert [row["day"] for row in _listed(desk)] == ["2026-12-26"]
    with desk.ctx("admin") as ctx:
        assert calendar_of(ctx).is_working_day(date(2026, 12, 31))


@time_machine.travel(MONDAY_10, tick=False)
def test_bad_input_names_each_field_and_keeps_what_was_typed(desk):
    with _browser(desk) as browser:
        refused = _add(browser, day="", kind="holiday", note="x" * 201)
        assert refused.status_code == 422
        for field in ("day", "kind", "note"):
            assert f'data-error-for="{field}"' in refused.text
        assert 'value="' + "x" * 201 + '"' in refused.text
        too_early = _add(browser, day="1999-10-01", kind="off", note="国庆")
        assert too_early.status_code == 422 and 'data-error-for="day"' in too_early.text
        assert 'data-error-for="note"' not in too_early.text and 'value="国庆"' in too_early.text
        assert _add(browser, day="2026-02-30", kind="off").status_code == 422
    assert _listed(desk) == []
    assert desk.client("admin").get("/api/v1/service/days?year=1999").status_code == 422


def test_only_administrators_of_tickets_manage_company_days(desk):
    assert (
        desk.client("admin")
        .put("/api/v1/service/days", json={"day": "2026-12-31", "working": False})
        .status_code
        == 200
    )
    with _browser(desk, "svc1") as browser:
        assert browser.get(PAGE).status_code == 403
        assert _add(browser, day="2026-12-30", kind="off").status_code == 403
        token = csrf_token(browser)
        gone = browser.post(f"{PAGE}/2026-12-31/remove", data={"_csrf_token": token})
        assert gone.status_code == 403
        assert f'href="{PAGE}"' not in browser.get("/tickets").text
    assert desk.client("svc1").delete("/api/v1/service/days/2026-12-31").status_code == 403
    assert [row["day"] for row in _listed(desk)] == ["2026-12-31"]
    admin = desk.client("admin")
    assert admin.delete("/api/v1/service/days/2026-12-30").status_code == 404
    assert admin.delete("/api/v1/service/days/2026-12-31").status_code == 204
    assert _listed(desk) == []
