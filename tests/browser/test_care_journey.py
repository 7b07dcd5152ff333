"""A sales manager sets up a care strategy on /care (a bad one is refused beside its field),
the worker cares for the dormant customer, and the manager sees it in the care-effectiveness
report, then switches the strategy off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from kht.auth.principal import load_principal
from kht.automation.engine import tick
from kht.customers.models import Customer
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def office(live_runtime) -> dict:
    add_user(live_runtime, "mgr", "sales_manager", department="Sales")
    rep = add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        customer = create_customer(ctx, CustomerCreate(name="沉睡贸易")).id
        ctx.session.execute(
            update(Customer)
            .where(Customer.id == customer)
            .values(last_contact_at=ctx.now() - timedelta(days=100))
        )
    return {"customer": customer}


def test_a_manager_cares_for_dormant_customers_and_sees_the_effect(
    office, live_server, live_runtime, page
):
    log_in_as(page, live_server, "mgr", TEST_PASSWORD)
    page.goto(live_server + "/care")
    expect(page.locator("#care-table")).to_contain_text("还没有关怀策略")
    page.fill("#care-name", "沉睡90天回访")
    page.select_option("#care-moment", "dormant")
    page.fill("#care-days", "90")
    page.select_option("#care-channel", "call")
    page.click("#save-care")  # no subject: refused, named, the form kept
    expect(page.locator("#care-error")).to_be_visible()
    expect(page.locator("#care-subject")).to_have_class("form-control is-invalid")
    expect(page.locator("#care-name")).to_have_value("沉睡90天回访")
    page.fill("#care-subject", "关怀回访")
    page.click("#save-care")
    expect(page.locator("#care-saved")).to_be_visible()
    expect(page.locator("#care-table")).to_contain_text("沉睡90天回访")

    tick(live_runtime)  # the worker's minute
    page.goto(live_server + f"/customers/{office['customer']}")
    expect(page.get_by_text("沉睡90天回访").first).to_be_attached()

    page.goto(live_server + "/care")
    page.click("#care-effectiveness")
    row = page.locator("#care-report tbody tr", has_text="沉睡90天回访")
    expect(row.locator("td").nth(2)).to_have_text("1")  # cared for
    expect(page.locator("#care-baseline")).to_be_visible()

    page.goto(live_server + "/care")
    page.locator("#care-table tr", has_text="沉睡90天回访").locator("button").click()
    expect(page.locator("#care-table tr", has_text="沉睡90天回访")).to_contain_text("已停用")
