"""A field rep on a 390 px phone: lists are cards, the top bar folds into a menu, the calendar
opens as a list, and every record page (customer, product, quote, order, action) shows what
the rep needs first, open, with the rest folded to its title. And, at both widths, list cells
are edited in place (saved; a stale version says so)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kht.actions.schemas import ActionCreate
from kht.actions.service import get_action, log_action
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.customers.service import create_customer, get_customer, update_customer
from kht.products.schemas import ProductCreate
from kht.products.service import create_product
from kht.sales.quotes.schemas import LineIn, QuoteCreate
from kht.sales.quotes.service import accept_quote, create_quote
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import VIEWPORTS, log_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def rep_customer(live_runtime) -> dict:
    """A rep with a customer that has a contact and a visit planned today, and a product the
    rep quoted to the customer, accepted into an order."""
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "field_rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        product = create_product(
            ctx, ProductCreate(code="POS-9", name="收银机", unit="台", list_price=Decimal("3200"))
        )
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        # Phone and email filled in: a phone's card leaves empty values out.
        data = CustomerCreate(name="北京华联商厦", phone="010-6512", email="info@hualian.example")
        customer = create_customer(ctx, data)
        create_contact(ctx, ContactCreate(name="王经理", customer_id=customer.id))
        due = ctx.day_start(ctx.today()) + timedelta(hours=12)  # noon of the rep's today
        visit = log_action(
            ctx,
            ActionCreate(
                kind="customer",
                record_id=customer.id,
                type="visit",
                subject="门店拜访",
                status="planned",
                due_at=due,
            ),
        )
        line = LineIn(
            product_id=product.id,
            description="收银机",
            unit="台",
            quantity=Decimal("3"),
            unit_price=Decimal("3200.00"),
        )
        quote = create_quote(
            ctx, QuoteCreate(title="收银机报价", customer_id=customer.id, lines=[line])
        )
        order = accept_quote(ctx, quote.id)
        return {
            "id": customer.id,
            "version": customer.version,
            "product": product.id,
            "quote": quote.id,
            "order": order.id,
            "visit": visit.id,
        }


def first_and_folded(page, first: list[str], folded: list[str]) -> None:
    """On the record page shown: the sections `first` come before the others, open; the
    sections `folded` show only their titles, and a tap on a title opens its section."""
    tops = {key: page.locator(f"#{key}").bounding_box()["y"] for key in first + folded}
    assert max(tops[key] for key in first) < min(tops[key] for key in folded), tops
    for key in first:
        expect(page.locator(f"#{key}")).not_to_have_class(re.compile(r"\bkht-folded\b"))
        expect(page.locator(f"#{key} .card-body > :not(.card-title)").first).to_be_visible()
    for key in folded:
        expect(page.locator(f"#{key}")).to_have_class(re.compile(r"\bkht-folded\b"))
        expect(page.locator(f"#{key} .card-body > :not(.card-title)").first).to_be_hidden()
    opened = page.locator(f"#{folded[0]}")
    opened.locator(".card-title").click()
    expect(opened.locator(".card-body > :not(.card-title)").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"], "nothing sticks out sideways"


@pytest.mark.viewports("phone", reason="the phone layout is what is checked")
def test_a_field_rep_works_from_a_phone(live_server, live_runtime, rep_customer, page):
    log_in_as(page, live_server, "field_rep", TEST_PASSWORD)

    # The customer list is a stack of cards, each value labelled.
    page.goto(live_server + "/customers")
    card = page.locator("#record-table tbody tr").first
    card.wait_for()
    assert page.locator("#record-table thead").is_hidden()
    assert card.bounding_box()["width"] > 300, "a row is a card as wide as the phone"
    assert card.locator("td.kht-title").inner_text().strip() == "北京华联商厦"
    number = card.locator("td[data-col=phone]")
    assert number.inner_text().strip() == "010-6512"
    label = "(cell) => getComputedStyle(cell, '::before').content"
    assert number.evaluate(label) == '"电话"', "each value is labelled on the card"
    assert card.locator("td.kht-owner").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]

    # The top bar is folded into a menu.
    menu = page.locator("#main-menu")
    assert menu.is_hidden()
    page.click(".navbar-toggler")
    menu.wait_for(state="visible")
    section = page.locator("#main-menu [data-menu-section]").first
    section.locator(".dropdown-toggle").click()
    section.locator(".dropdown-menu a").first.wait_for(state="visible")

    # The customer: the timeline and the contacts first; details and history folded.
    page.goto(f"{live_server}/customers/{rep_customer['id']}")
    first_and_folded(page, ["panel-timeline", "panel-contacts"], ["customer-fields", "history"])
    assert page.locator("#panel-contacts").get_by_text("王经理").is_visible()
    expect(page.locator("#customer-fields").get_by_text("010-6512")).to_be_visible()

    # The calendar opens as this week's list.
    page.goto(live_server + "/calendar")
    page.locator(".fc-list-event", has_text="门店拜访").first.wait_for()
    assert page.locator(".fc-listWeek-button.fc-button-active").count() == 1

    # A product: its price first; the price lists and the history folded.
    page.goto(f"{live_server}/products/{rep_customer['product']}")
    first_and_folded(page, ["product-fields"], ["product-prices", "history"])
    expect(page.locator("#product-price")).to_contain_text("3200")

    # A quote: customer and lines with the totals first (the status is in the title).
    page.goto(f"{live_server}/quotes/{rep_customer['quote']}")
    first_and_folded(page, ["quote-fields", "quote-lines"], ["history"])
    expect(page.locator("#quote-fields")).to_contain_text("北京华联商厦")
    expect(page.locator("#quote-total")).to_have_text("10,848.00")  # 9,600 + 13 % tax
    expect(page.locator("#quote-status")).to_be_visible()
    # Its lines are cards too: the item as the title, each figure labelled.
    expect(page.locator("#quote-lines thead")).to_be_hidden()
    line = page.locator("#quote-lines tr.quote-line").first
    assert line.bounding_box()["width"] > 300
    assert line.locator("td.kht-title").inner_text().strip() == "收银机"
    quantity = line.locator("td").nth(3)
    assert quantity.inner_text().strip() == "3" and quantity.evaluate(label) == '"数量"'

    # Its order: customer, totals and lines first; payments and history folded.
    page.goto(f"{live_server}/orders/{rep_customer['order']}")
    first_and_folded(page, ["order-fields", "order-lines"], ["payment-plan", "payments", "history"])
    expect(page.locator("#order-total")).to_contain_text("10,848.00")
    expect(page.locator("#order-fields")).to_contain_text("北京华联商厦")

    # The visit: subject, when, the customer and the done button first; the form folded.
    page.goto(f"{live_server}/actions/{rep_customer['visit']}")
    first_and_folded(page, ["action-summary"], ["action-edit"])
    summary = page.locator("#action-summary")
    expect(summary.locator("#action-record")).to_have_text("北京华联商厦")
    expect(summary.locator("#action-due")).not_to_have_text("—")
    summary.locator("input[name=outcome]").fill("下了三台的订单")
    summary.get_by_role("button", name="标记完成").click()
    expect(page.locator("#action-status")).to_have_attribute("data-status", "done")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        assert get_action(ctx, rep_customer["visit"]).outcome == "下了三台的订单"


def test_a_cell_is_edited_in_place_and_a_stale_one_says_so(
    live_server, live_runtime, rep_customer, page
):
    log_in_as(page, live_server, "field_rep", TEST_PASSWORD)
    page.goto(live_server + "/customers?c=name,phone,email")
    phone_cell = page.locator("#record-table tbody tr td[data-col=phone]").first
    phone_cell.hover()
    phone_cell.locator(".kht-edit").click()
    box = phone_cell.locator("input[name=inline_value]")
    box.wait_for()
    box.fill("010-8888 0000")
    box.press("Enter")
    phone_cell.locator(".kht-value", has_text="010-8888 0000").wait_for()
    assert page.url.endswith("/customers?c=name,phone,email"), (
        "Enter did not submit the list's form"
    )
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        saved = get_customer(ctx, rep_customer["id"])
        assert saved.phone == "010-8888 0000"
        # Someone else changes the customer while the list stays open.
        update_customer(
            ctx, saved.id, CustomerUpdate(version=saved.version, email="x@hualian.example")
        )

    email_cell = page.locator("#record-table tbody tr td[data-col=email]").first
    email_cell.hover()
    email_cell.locator(".kht-edit").click()
    email_box = email_cell.locator("input[name=inline_value]")
    email_box.wait_for()
    # The editor was loaded after that change, so it carries the new version: make it stale.
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        current = get_customer(ctx, rep_customer["id"])
        update_customer(ctx, current.id, CustomerUpdate(version=current.version, address="王府井"))
    email_box.fill("buyer@hualian.example")
    email_cell.locator(".kht-inline-save").click()
    message = email_cell.locator(".kht-inline-error")
    message.wait_for()
    assert "已被其他人修改" in message.inner_text()
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        assert get_customer(ctx, rep_customer["id"]).email == "x@hualian.example"
