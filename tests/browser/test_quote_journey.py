"""A rep writes a quote in the real browser: picks a product (Tom Select), the price list's
price fills in, saves, sends and accepts it, and lands on the order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.products.schemas import ProductCreate
from kht.products.service import create_product
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_a_rep_writes_sends_and_accepts_a_quote(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "east_rep", "sales_rep", department="Sales/East")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        create_product(
            ctx,
            ProductCreate(
                code="YL-JH200", name="多参数监护仪", unit="台", list_price=Decimal("23500.00")
            ),
        )
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "east_rep").id)
        customer_id = create_customer(ctx, CustomerCreate(name="杭州西湖医疗器械")).id

    log_in_as(page, live_server, "east_rep", TEST_PASSWORD)
    page.goto(f"{live_server}/quotes/new?customer_id={customer_id}")
    page.fill("#title", "监护仪报价")
    page.locator("#line-editor .ts-control").first.click()
    page.locator(".ts-dropdown .option", has_text="多参数监护仪").first.click()
    price = 'input[x-model="line.unit_price"]'
    page.wait_for_function(f"() => document.querySelector('{price}').value === '23500.00'")
    assert page.locator('input[x-model="line.unit"]').input_value() == "台"
    assert page.locator('input[x-model="line.tax_rate"]').input_value() == "0.1300"
    page.locator('input[x-model="line.quantity"]').fill("2")
    page.locator('input[x-model="line.discount_rate"]').fill("0.1")
    page.click("#save-quote")
    page.wait_for_url(f"{live_server}/quotes/*")
    assert page.locator("#quote-total").inner_text() == "47,799.00"  # 42300 + 13 %
    page.click("#send-quote")
    page.wait_for_selector('#quote-status[data-status="sent"]')
    page.click("#accept-quote")
    page.wait_for_url(f"{live_server}/orders/*")
    assert "47,799.00" in page.locator("#order-total").inner_text()
