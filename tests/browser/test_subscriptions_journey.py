"""Scheduled mail from the UI: a manager mails a role a report from the role subscriptions
page and a report to themselves from its page; both are still there after a reload, and
stopping them takes them away."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.delivery import service
from kht.testing import TEST_PASSWORD, acting_as, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_a_manager_subscribes_a_role_and_themselves_and_stops_both(live_server, live_runtime, page):
    add_user(live_runtime, "mgr", "sales_manager", department="Sales")
    log_in_as(page, live_server, "mgr", TEST_PASSWORD)

    page.goto(f"{live_server}/admin/subscriptions")
    expect(page.locator("#no-role-subscriptions")).to_be_visible()
    page.select_option("#sub-report", "customers.by_owner")
    page.select_option("#sub-role", "sales_rep")
    page.select_option("#sub-frequency", "weekly")
    page.click("#role-subscribe")
    rows = page.locator("#role-subscriptions tbody tr[data-subscription]")
    expect(rows).to_have_count(1)
    page.reload()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("各负责人客户数")
    with acting_as(live_runtime, "mgr") as ctx:
        (made,) = service.subscriptions(ctx)
        assert (made.role, made.frequency, made.report_key) == (
            "sales_rep",
            "weekly",
            "customers.by_owner",
        )

    page.goto(f"{live_server}/reports/customers.by_stage")
    page.select_option("#report-mail-frequency", "daily")
    page.click("#report-subscribe")
    mine = page.locator("#report-mail form[data-subscription]")
    expect(mine).to_have_count(1)
    page.reload()
    expect(mine).to_contain_text("每天")
    mine.locator(".report-unsubscribe").click()
    expect(page.locator("#report-subscribe-form")).to_be_visible()

    page.goto(f"{live_server}/admin/subscriptions")
    rows.first.get_by_role("button").click()
    expect(page.locator("#no-role-subscriptions")).to_be_visible()
    with acting_as(live_runtime, "mgr") as ctx:
        assert service.subscriptions(ctx) == []
