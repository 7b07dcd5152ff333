"""An administrator writes an automation rule in the editor: picks the trigger, adds an action
(the form shows its settings), saves, sees the rule in words; a new customer then runs it,
and the runs page and the preview show it (one journey: one server at each width)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def office(live_runtime) -> dict:
    return {
        "boss": add_user(live_runtime, "boss", "administrator", department="HQ"),
        "rep": add_user(live_runtime, "rep", "sales_rep", department="Sales"),
    }


def test_an_administrator_writes_a_rule_that_runs(office, live_server, live_runtime, page):
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    page.goto(live_server + "/admin/automation")
    expect(page.locator("#rule-table")).to_contain_text("还没有规则")
    page.click("#new-rule")
    page.wait_for_url(live_server + "/admin/automation/new")
    page.fill("#rule-name", "新客户欢迎电话")
    page.select_option("#trigger", "days_since_contact")  # the form shows its settings
    expect(page.locator("input[name='t.days']")).to_be_visible()
    page.select_option("#trigger", "record_created")
    expect(page.locator("input[name='t.days']")).to_have_count(0)
    expect(page.locator("#rule-name")).to_have_value("新客户欢迎电话")  # typed text is kept
    page.select_option("#a0", "plan_action")
    expect(page.locator("input[name='a0.subject']")).to_be_visible()
    page.fill("input[name='a0.subject']", "欢迎电话")
    page.select_option("select[name='a0.type']", "call")
    page.fill("input[name='a0.due_in_days']", "2")
    page.fill("#conditions", "name:contains:科技")
    page.click("#save-rule")
    expect(page.locator("#rule-saved")).to_be_visible()
    expect(page.locator("#rule-description")).to_contain_text("安排电话“欢迎电话”，2 天后到期")

    # A bad condition is refused and named; nothing typed is lost.
    page.fill("#conditions", "nosuchfield:eq:1")
    page.click("#save-rule")
    expect(page.locator("#rule-error")).to_contain_text("conditions")
    expect(page.locator("#conditions")).to_have_value("nosuchfield:eq:1")
    page.fill("#conditions", "name:contains:科技")
    page.click("#save-rule")
    expect(page.locator("#rule-saved")).to_be_visible()

    # Edit, save, reload: the editor shows the saved edit.
    page.fill("input[name='a0.subject']", "欢迎回访电话")
    page.fill("input[name='a0.due_in_days']", "3")
    page.fill("#conditions", "name:contains:科技\nkind:eq:company")
    page.click("#save-rule")
    expect(page.locator("#rule-saved")).to_be_visible()
    page.goto(page.url.split("?")[0])
    expect(page.locator("input[name='a0.subject']")).to_have_value("欢迎回访电话")
    expect(page.locator("input[name='a0.due_in_days']")).to_have_value("3")
    expect(page.locator("#conditions")).to_have_value("name:contains:科技\nkind:eq:company")
    expect(page.locator("#rule-description")).to_contain_text("欢迎回访电话")

    with live_runtime.ctx() as ctx:  # a rep saves a customer the rule is about
        ctx.user = load_principal(ctx.session, office["rep"])
        create_customer(ctx, CustomerCreate(name="同方科技"))
    page.click("#rule-runs")
    expect(page.locator("#run-table")).to_contain_text("已完成")
    page.go_back()
    page.click("#rule-preview")
    expect(page.locator("#preview-table")).to_contain_text("同方科技")
    page.goto(live_server + "/admin/automation")
    expect(page.locator("#rule-table")).to_contain_text("新客户欢迎电话")
