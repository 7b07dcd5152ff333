"""The pages whose Alpine components run under the CSP build (no eval): the list's filter
rows build the query (a choice column offers its labels), and the lead conversion shows the
customer picker only when attaching to an existing customer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.leads.schemas import LeadCreate
from kht.leads.service import create_lead
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _rep_with(live_runtime) -> int:
    """A rep with two customers and a lead; returns the lead's id."""
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        create_customer(ctx, CustomerCreate(name="苏州精密仪器"))
        create_customer(ctx, CustomerCreate(name="无锡纺织"))
        return create_lead(ctx, LeadCreate(name="王经理", company="常州新材料")).id


def test_a_filter_row_narrows_the_customer_list(live_server, live_runtime, page):
    _rep_with(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/customers")
    page.locator("#list-form button:has(i.bi-funnel)").click()
    row = page.locator("#list-form .filter-row")
    expect(row).to_have_count(1)
    row.locator("select").nth(0).select_option("name")
    row.locator("select").nth(1).select_option("contains")
    row.locator("input:not([type=hidden])").fill("精密")
    page.locator("#list-form button[type=submit]").click()
    page.wait_for_url("**f=name%3Acontains%3A*")
    expect(page.locator("#list-total")).to_have_text("1")
    assert "苏州精密仪器" in page.inner_text("main") and "无锡纺织" not in page.inner_text("main")


def test_a_choice_filter_offers_the_labels_and_sends_the_key(live_server, live_runtime, page):
    _rep_with(live_runtime)
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        create_customer(ctx, CustomerCreate(name="张先生", kind="person"))
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/customers")
    page.locator("#list-form button:has(i.bi-funnel)").click()
    row = page.locator("#list-form .filter-row")
    row.locator("select").nth(0).select_option("kind")
    value = row.locator("select").nth(2)
    expect(value.locator("option")).to_have_text(["", "企业", "个人"])
    value.select_option(label="个人")
    page.locator("#list-form button[type=submit]").click()
    page.wait_for_url("**f=kind%3Aeq%3Aperson*")
    expect(page.locator("#list-total")).to_have_text("1")
    assert "张先生" in page.inner_text("main") and "无锡纺织" not in page.inner_text("main")


def test_converting_a_lead_shows_the_customer_picker_only_when_needed(
    live_server, live_runtime, page
):
    lead_id = _rep_with(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/leads/{lead_id}/convert")
    picker = page.locator("#convert-form select[name=customer_id]")
    expect(picker).to_be_hidden()
    page.check("#target-existing")
    expect(picker).to_be_visible()
    page.check("#target-new")
    expect(picker).to_be_hidden()
