"""Customer journeys in a real browser: create with a custom field, log a note, search."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.db.custom_fields import CustomField
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as, open_menu, unfold

pytestmark = pytest.mark.browser


def test_create_a_customer_with_a_custom_field_log_a_note_and_find_it(
    live_server, live_runtime, page
):
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind="customer",
                name="industry",
                type="single_choice",
                label_zh="行业",
                label_en="Industry",
                choices=["医疗", "教育"],
                required=True,
                position=1,
                help="",
                active=True,
            )
        )
    log_in_as(page, live_server, "rep", TEST_PASSWORD)

    page.goto(live_server + "/customers")
    page.click("text=新建")
    page.fill("#name", "清华同方威视技术股份有限公司")
    page.fill("#phone", "010-62780909")
    page.click("#save-customer")
    assert "ext.custom.industry is required" in page.locator("#customer-form").inner_text()
    page.select_option("select[name='ext.custom.industry']", "医疗")
    page.click("#save-customer")
    page.wait_for_url(f"{live_server}/customers/*")
    unfold(page, "#customer-fields")
    assert "医疗" in page.inner_text("#customer-fields")

    page.fill("#note-body", "第一次拜访，客户对安检设备有兴趣")
    page.click("#log-note-form button[type=submit]")
    expect(page.locator("#timeline")).to_contain_text("第一次拜访")

    open_menu(page)
    page.fill("#global-search-box", "同方")
    page.press("#global-search-box", "Enter")
    page.wait_for_url(f"{live_server}/search*")
    assert "清华同方威视技术股份有限公司" in page.inner_text("main")


def test_merge_two_duplicates(live_server, live_runtime, page):
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    add_user(live_runtime, "mgr", "sales_manager", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "mgr").id)
        create_customer(ctx, CustomerCreate(name="上海华东电器集团有限公司", phone="021-58881234"))
        create_customer(
            ctx,
            CustomerCreate(
                name="上海华东电器集团", phone="02158881234", email="buy@huadong.example"
            ),
        )
    log_in_as(page, live_server, "mgr", TEST_PASSWORD)
    page.goto(live_server + "/customers")
    page.click("text=查重")
    page.click("a:has-text('比较并合并'), a:has-text('Compare & merge')")
    page.wait_for_url(f"{live_server}/customers/merge*")
    with page.expect_navigation():  # the merge is posted before the list is asked for
        page.click("#merge-button")
    page.goto(live_server + "/customers")
    assert page.locator("#list-total").inner_text() == "1"


def test_import_an_xlsx_with_errors_and_read_the_error_report(
    live_server, live_runtime, page, tmp_path
):
    import xlsxwriter

    add_user(live_runtime, "mgr", "sales_manager", department="Sales")
    workbook_path = tmp_path / "客户.xlsx"
    workbook = xlsxwriter.Workbook(str(workbook_path))
    sheet = workbook.add_worksheet()
    for row, values in enumerate(
        [
            ["客户名称", "电话", "类型"],
            ["杭州西湖医疗器械有限公司", "0571-87001234", "company"],
            ["", "010-1234", "company"],
            ["深圳南山精密仪器", "0755-26001234", "robot"],
        ]
    ):
        sheet.write_row(row, 0, values)
    workbook.close()
    log_in_as(page, live_server, "mgr", TEST_PASSWORD)

    page.goto(live_server + "/import")
    page.set_input_files("#import-file", str(workbook_path))
    page.click("#upload-submit")
    page.wait_for_selector("#mapping-form")
    page.click("#mapping-submit")
    page.wait_for_selector("#run-form")
    page.click("#run-submit")
    page.wait_for_selector("#result-verdict")
    assert page.locator("#result-failed").inner_text() == "2"
    errors = page.locator("#result-errors").inner_text()
    assert "name" in errors or "名称" in errors
    with page.expect_download() as download_info:
        page.click("#job-download")
    report = download_info.value.path().read_bytes().decode("utf-8-sig")
    assert "robot" in report and "3" in report
    page.goto(live_server + "/customers")
    assert page.locator("#list-total").inner_text() == "0"  # all or nothing
