"""The quote and order line editor in a real browser: editing only the notes of a quote with
lines keeps its lines and total; a new quote without a customer in the link and a new order
start from the customer picker, add lines and save (the editor runs: no JavaScript error)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.products.schemas import ProductCreate
from kht.products.service import create_product
from kht.sales.quotes.schemas import LineIn, QuoteCreate
from kht.sales.quotes.service import create_quote
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _shop(live_runtime) -> int:
    """A product, and a rep's customer; returns the customer's id."""
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        create_product(
            ctx, ProductCreate(code="JH-1", name="监护仪", unit="台", list_price=Decimal("1000"))
        )
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        return create_customer(ctx, CustomerCreate(name="西湖医院")).id


def _quote_with_lines(live_runtime, customer_id: int) -> int:
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        lines = [
            LineIn(description="监护仪", unit="台", quantity="2", unit_price="1000.00"),
            LineIn(description="安装调试", unit="次", quantity="1", unit_price="500.00"),
        ]
        data = QuoteCreate(title="监护仪报价", customer_id=customer_id, lines=lines)
        return create_quote(ctx, data).id


def _pick(page, control: str, text: str) -> None:
    """Choose `text` in a Tom Select picker by typing, as a user does."""
    page.locator(control).click()
    page.locator(control).fill(text)
    page.locator(".ts-dropdown .option", has_text=text).first.click()


def test_editing_only_the_notes_keeps_the_lines_and_the_total(live_server, live_runtime, page):
    quote_id = _quote_with_lines(live_runtime, _shop(live_runtime))
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/quotes/{quote_id}")
    total = page.locator("#quote-total").inner_text()
    assert total == "2,500.00"  # hand-typed lines carry no tax

    page.goto(f"{live_server}/quotes/{quote_id}/edit")
    page.wait_for_function("() => document.querySelectorAll('#line-editor .line-row').length === 2")
    page.fill("#notes", "只改备注")
    page.click("#save-quote")
    page.wait_for_url(f"{live_server}/quotes/{quote_id}")
    assert page.locator("#quote-total").inner_text() == total
    body = page.inner_text("body")
    assert "安装调试" in body and "只改备注" in body


def test_a_new_quote_starts_from_the_customer_picker(live_server, live_runtime, page):
    _shop(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/quotes/new")
    _pick(page, "#customer_id-ts-control", "西湖医院")
    page.wait_for_url(f"{live_server}/quotes/new?customer_id=*")
    page.fill("#title", "新报价")
    page.click("#add-line")
    assert page.locator("#line-editor .line-row").count() == 2
    _pick(page, "#line-editor .line-row >> nth=1 >> .ts-control input", "监护仪")
    price = "#line-editor .line-row >> nth=1 >> input[x-model='line.unit_price']"
    page.wait_for_function(
        "() => document.querySelectorAll(\"input[x-model='line.unit_price']\")[1].value"
        " === '1000.00'"
    )
    assert page.locator(price).input_value() == "1000.00"
    page.click("#save-quote")
    page.wait_for_url(f"{live_server}/quotes/*")
    assert page.locator("#quote-total").inner_text() == "1,130.00"  # 1,000 + 13 % tax


def test_a_new_order_picks_a_customer_and_adds_lines(live_server, live_runtime, page):
    _shop(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/orders/new")
    _pick(page, "#customer_id-ts-control", "西湖医院")
    row = page.locator("#line-editor .line-row").first
    row.locator("input[x-model='line.description']").fill("维保服务")
    row.locator("input[x-model='line.quantity']").fill("3")
    row.locator("input[x-model='line.unit_price']").fill("200")
    assert page.locator("#line-editor tfoot").inner_text().strip().endswith("600.00")
    page.click("#save-order")
    page.wait_for_url(f"{live_server}/orders/*")
    assert "600.00" in page.locator("#order-total").inner_text()
