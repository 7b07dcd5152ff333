"""In a real browser: the report catalogue (pinyin search), a report page drawing its chart
and pivot, a filter added from the filter bar, and a drill-down to the records of a cell."""

from __future__ import annotations

import pytest

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _prepare(runtime) -> None:
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    add_user(runtime, "boss", "sales_manager", department="Sales")
    add_user(runtime, "rep", "sales_rep", department="Sales/East")
    with runtime.ctx() as ctx:
        for login, names in (("rep", ("清华同方", "华东电器", "张伟")), ("boss", ("北方工业",))):
            ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
            for name in names:
                kind = "person" if name == "张伟" else "company"
                create_customer(ctx, CustomerCreate(name=name, kind=kind))


def _only_companies(page) -> None:
    """Fill the filter bar (the report page's and the builder's): kind is company."""
    page.select_option("#filter-field", "kind")
    page.select_option("#filter-op", "eq")
    page.fill("#filter-value", "company")


def test_catalogue_report_chart_filter_and_drill_down(live_server, live_runtime, page):
    _prepare(live_runtime)
    log_in_as(page, live_server, "boss", TEST_PASSWORD)

    page.goto(f"{live_server}/reports?q=kehu")
    assert page.locator("#category-customers").count() == 1
    page.click("#category-customers a.report-link >> text=客户阶段分布")
    page.wait_for_url("**/reports/customers.by_stage")
    page.wait_for_selector("#report-chart canvas")
    assert "4" in page.inner_text("#report-table tfoot")

    # regroup into a pivot by owner and type, drawn as stacked bars
    page.select_option("#dimension-0", "owner_id")
    page.select_option("#dimension-1", "kind")
    page.select_option("#chart-type", "stacked")
    page.click("#report-apply")
    page.wait_for_selector("#report-pivot")
    page.wait_for_selector("#report-chart canvas")
    assert "Rep" in page.inner_text("#report-pivot")

    # a filter from the bar: only companies
    _only_companies(page)
    page.click("#report-apply")
    page.wait_for_selector(".report-chip")
    assert "3" in page.inner_text("#report-pivot tfoot")

    # drill into the rep's companies: the customer list shows exactly those
    row = page.locator("#report-pivot tbody tr", has_text="Rep")
    row.locator("a.report-drill").first.click()
    page.wait_for_url("**/customers?**")
    page.wait_for_selector("text=清华同方")
    assert page.locator("text=张伟").count() == 0
    assert page.locator("text=北方工业").count() == 0


def test_build_preview_and_save_a_report_then_find_it_in_the_catalogue(
    live_server, live_runtime, page
):
    _prepare(live_runtime)
    log_in_as(page, live_server, "boss", TEST_PASSWORD)

    page.goto(f"{live_server}/reports")
    page.click("#report-new")
    page.wait_for_url("**/reports/builder")
    page.select_option("#builder-kind-choice", "customer")
    page.click("#builder-kind-apply")
    page.wait_for_selector("#builder-rows")
    page.fill("#builder-title", "公司客户按负责人")
    page.select_option("#builder-rows", "owner_id")
    page.select_option("#builder-columns", "created_at:month")
    page.select_option("#builder-measure-0", "count")
    _only_companies(page)
    page.select_option("#builder-chart", "stacked")
    page.click("#builder-preview")
    page.wait_for_selector("#builder-result #report-pivot")
    page.wait_for_selector("#report-chart canvas")
    assert "3" in page.inner_text("#report-pivot tfoot")
    assert page.locator("#builder-filters input[value='kind:eq:company']").is_checked()

    page.click("#builder-save")
    page.wait_for_url("**/reports/saved.*")
    page.wait_for_selector("#report-pivot")
    assert page.inner_text("#report-title") == "公司客户按负责人"

    page.goto(f"{live_server}/reports")
    entry = page.locator("#category-customers li", has_text="公司客户按负责人")
    entry.wait_for()
    assert "私有" in entry.inner_text()
    entry.locator("a.report-link").click()
    page.wait_for_selector("#report-edit")
