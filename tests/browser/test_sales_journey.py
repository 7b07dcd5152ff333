"""The sales journey in a real browser: open an opportunity for a customer, drag it across
the kanban board (a gate refuses a move with the reason), make, print and send a quote,
accept it into an order, and see the forecast and the funnel change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import AROUND_MIDNIGHT_IN_BEIJING, drag, log_in_as, unfold

pytestmark = pytest.mark.browser


def _product(live_runtime, code: str, name: str, price: str) -> None:
    from decimal import Decimal

    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.products.schemas import ProductCreate
    from kht.products.service import create_product

    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        create_product(
            ctx, ProductCreate(code=code, name=name, unit="台", list_price=Decimal(price))
        )


def _customer(live_runtime, owner: str, name: str) -> int:
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, owner).id)
        return create_customer(ctx, CustomerCreate(name=name)).id


@AROUND_MIDNIGHT_IN_BEIJING  # the close date below is in this quarter
def test_open_an_opportunity_and_drag_it_across_the_board(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    _product(live_runtime, "AJ-100", "安检门", "25000.00")
    customer_id = _customer(live_runtime, "rep", "清华同方威视技术股份有限公司")
    log_in_as(page, live_server, "rep", TEST_PASSWORD)

    page.goto(f"{live_server}/customers/{customer_id}")
    page.click("[data-action='new-opportunity']")
    page.wait_for_url(f"{live_server}/opportunities/new*")
    page.fill("#name", "安检门采购")
    page.fill("#amount", "0")
    page.fill("#expected_close", "2026-12-20")
    page.click("#save-opportunity")
    page.wait_for_url(f"{live_server}/opportunities/*")
    opportunity_url = page.url
    assert "初步接洽" in page.inner_text("#stage-path")

    page.goto(f"{live_server}/opportunities/board")
    card = "article.board-card"
    with page.expect_response("**/move") as moved:
        drag(
            page,
            page.locator(card),
            page.locator("section.kht-board-column").nth(1).locator(".board-cards"),
        )
    assert moved.value.status == 200
    with page.expect_response("**/move") as moved:
        drag(
            page,
            page.locator(card),
            page.locator("section.kht-board-column").nth(2).locator(".board-cards"),
        )
    assert moved.value.status == 200
    # Proposal needs an amount above zero before the card may leave it.
    with page.expect_response("**/move") as refused:
        drag(
            page,
            page.locator(card),
            page.locator("section.kht-board-column").nth(3).locator(".board-cards"),
        )
    assert refused.value.status == 422
    # The page shows the refusal after the response arrives: wait for it, do not race it.
    expect(page.locator("#board-error")).to_contain_text("amount must be filled")
    assert page.locator("section.kht-board-column").nth(2).locator(card).count() == 1

    page.goto(opportunity_url)
    assert "方案报价" in page.locator("#stage-path .btn-primary").inner_text()
    unfold(page, "#stage-history")
    assert "需求分析" in page.inner_text("#stage-history")

    # Fill the amount in and the gate opens.
    page.goto(opportunity_url + "/edit")
    page.fill("#amount", "50000")
    page.click("#save-opportunity")
    page.wait_for_url(opportunity_url)
    page.goto(f"{live_server}/opportunities/board")
    with page.expect_response("**/move") as moved:
        drag(
            page,
            page.locator(card),
            page.locator("section.kht-board-column").nth(3).locator(".board-cards"),
        )
    assert moved.value.status == 200

    page.goto(f"{live_server}/forecast")
    forecast_before = page.inner_text("#forecast-summary")
    assert "40,000.00" in forecast_before  # 50,000 weighted at the negotiation stage's 80 %
    page.goto(f"{live_server}/funnel")
    won_row = "#funnel-table tr[data-stage='won'] td"
    assert page.locator(won_row).first.inner_text() == "0"

    # A quote from the opportunity's page, printed, sent and accepted into an order.
    page.goto(opportunity_url)
    unfold(page, "#panel-quotes")
    page.click("#add-quote")
    page.wait_for_url(f"{live_server}/quotes/new*")
    page.fill("#title", "安检门报价")
    page.locator("#line-editor .ts-control").first.click()
    page.locator(".ts-dropdown .option", has_text="安检门").first.click()
    price = 'input[x-model="line.unit_price"]'
    page.wait_for_function(f"() => document.querySelector('{price}').value === '25000.00'")
    page.locator('input[x-model="line.quantity"]').fill("2")
    page.click("#save-quote")
    page.wait_for_url(f"{live_server}/quotes/*")
    quote_url = page.url
    assert page.locator("#quote-total").inner_text() == "56,500.00"  # 50,000 + 13 % tax
    page.goto(quote_url + "/print")
    assert "安检门" in page.inner_text("body") and "56,500.00" in page.inner_text("body")
    page.goto(quote_url)
    page.click("#send-quote")
    page.wait_for_selector('#quote-status[data-status="sent"]')
    page.click("#accept-quote")
    page.wait_for_url(f"{live_server}/orders/*")
    assert "56,500.00" in page.locator("#order-total").inner_text()

    # The opportunity is won, and the forecast and the funnel show it.
    page.goto(opportunity_url)
    assert page.locator("#opportunity-status").inner_text() == "赢单"
    page.goto(f"{live_server}/forecast")
    forecast_after = page.inner_text("#forecast-summary")
    assert forecast_after != forecast_before and "50,000.00" in forecast_after
    page.goto(f"{live_server}/funnel")
    assert page.locator(won_row).first.inner_text() == "1"
