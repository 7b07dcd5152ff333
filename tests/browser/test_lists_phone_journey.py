"""A rep on a 390 px phone (cards, folded top bar, record page, calendar list) and a rep at a
1366 px desk editing list cells in place (saved; a stale version says so)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.contacts.schemas import ContactCreate
from kht.contacts.service import create_contact
from kht.customers.schemas import CustomerCreate, CustomerUpdate
from kht.customers.service import create_customer, get_customer, update_customer
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}


def tab(browser, size: dict, errors: list[str]) -> Iterator[object]:
    """A zh-CN tab of `size` that records JavaScript errors into `errors`."""
    phone = size == PHONE
    context = browser.new_context(locale="zh-CN", viewport=size, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


@pytest.fixture
def errors() -> Iterator[list[str]]:
    seen: list[str] = []
    yield seen
    assert [e for e in seen if not e.startswith("Failed to load resource")] == []


@pytest.fixture
def phone(browser, errors) -> Iterator[object]:
    yield from tab(browser, PHONE, errors)


@pytest.fixture
def desk(browser, errors) -> Iterator[object]:
    yield from tab(browser, DESK, errors)


@pytest.fixture
def rep_customer(live_runtime) -> dict:
    """A rep with a customer that has a contact and a visit planned today."""
    add_user(live_runtime, "field_rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "field_rep").id)
        customer = create_customer(ctx, CustomerCreate(name="北京华联商厦", phone="010-6512"))
        create_contact(ctx, ContactCreate(name="王经理", customer_id=customer.id))
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
        log_action(
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
        return {"id": customer.id, "version": customer.version}


def test_on_a_phone_lists_are_cards_and_the_top_bar_folds_into_a_menu(
    live_server, rep_customer, phone
):
    log_in_as(phone, live_server, "field_rep", TEST_PASSWORD)
    phone.goto(live_server + "/customers")
    card = phone.locator("#record-table tbody tr").first
    card.wait_for()
    assert phone.locator("#record-table thead").is_hidden()
    box = card.bounding_box()
    assert box["width"] > 300, "a row is a card as wide as the phone"
    title = card.locator("td.kht-title")
    assert title.inner_text().strip() == "北京华联商厦"
    number = card.locator("td[data-col=phone]")
    assert number.inner_text().strip() == "010-6512"
    label = "(cell) => getComputedStyle(cell, '::before').content"
    assert number.evaluate(label) == '"电话"', "each value is labelled on the card"
    assert card.locator("td.kht-owner").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path="/tmp/g-phone-list.png", full_page=True)

    menu = phone.locator("#main-menu")
    assert menu.is_hidden()
    phone.click(".navbar-toggler")
    menu.wait_for(state="visible")
    section = phone.locator("#main-menu [data-menu-section]").first
    section.locator(".dropdown-toggle").click()
    section.locator(".dropdown-menu a").first.wait_for(state="visible")
    phone.screenshot(path="/tmp/g-phone-menu.png")


def test_on_a_phone_the_record_page_starts_with_actions_and_contacts(
    live_server, rep_customer, phone
):
    log_in_as(phone, live_server, "field_rep", TEST_PASSWORD)
    phone.goto(f"{live_server}/customers/{rep_customer['id']}")
    timeline = phone.locator("#panel-timeline")
    timeline.wait_for()
    details = phone.locator("#customer-fields")
    top = {
        name: phone.locator(f"#{name}").bounding_box()["y"]
        for name in ("panel-timeline", "panel-contacts", "customer-fields", "history")
    }
    assert (
        top["panel-timeline"] < top["customer-fields"]
        and top["panel-contacts"] < top["customer-fields"]
    )
    assert phone.locator("#panel-contacts").get_by_text("王经理").is_visible()
    # The rest is folded to its title; a tap opens it.
    phone.wait_for_function(
        "document.querySelector('#customer-fields').classList.contains('kht-folded')"
    )
    assert details.get_by_text("010-6512").is_hidden()
    assert phone.locator("#history.kht-folded").count() == 1
    phone.screenshot(path="/tmp/g-phone-record.png", full_page=True)
    details.locator(".card-title").click()
    details.get_by_text("010-6512").wait_for(state="visible")


def test_on_a_phone_the_calendar_opens_as_a_list(live_server, rep_customer, phone):
    log_in_as(phone, live_server, "field_rep", TEST_PASSWORD)
    phone.goto(live_server + "/calendar")
    phone.locator(".fc-list").wait_for()
    phone.locator(".fc-list-event", has_text="门店拜访").first.wait_for()
    assert phone.locator(".fc-listWeek-button.fc-button-active").count() == 1
    phone.screenshot(path="/tmp/g-phone-calendar.png")


def test_at_a_desk_a_cell_is_edited_in_place_and_a_stale_one_says_so(
    live_server, live_runtime, rep_customer, desk
):
    log_in_as(desk, live_server, "field_rep", TEST_PASSWORD)
    desk.goto(live_server + "/customers?c=name,phone,email")
    phone_cell = desk.locator("#record-table tbody tr td[data-col=phone]").first
    phone_cell.hover()
    phone_cell.locator(".kht-edit").click()
    box = phone_cell.locator("input[name=inline_value]")
    box.wait_for()
    box.fill("010-8888 0000")
    box.press("Enter")
    phone_cell.locator(".kht-value", has_text="010-8888 0000").wait_for()
    assert desk.url.endswith("/customers?c=name,phone,email"), (
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

    email_cell = desk.locator("#record-table tbody tr td[data-col=email]").first
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
