"""A rep logs in (a wrong password first: the form says so) and sees only their own customers;
their manager sees the department's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def customer_of(runtime, login: str, name: str) -> None:
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
        create_customer(ctx, CustomerCreate(name=name))


def listed(page) -> set[str]:
    cells = page.locator("#record-table tbody td:nth-child(2) a").all_inner_texts()
    return {text.strip() for text in cells}


def test_a_rep_sees_own_customers_and_the_manager_the_departments(
    live_server, live_runtime, page, another_tab
):
    add_user(live_runtime, "east_mgr", "sales_manager", department="Sales/East")
    add_user(live_runtime, "east_rep", "sales_rep", department="Sales/East")
    add_user(live_runtime, "west_rep", "sales_rep", department="Sales/West")
    customer_of(live_runtime, "east_rep", "上海华东电器集团")
    customer_of(live_runtime, "west_rep", "成都西部机械厂")

    rep = page  # first with a wrong password: the form says so, in Chinese
    rep.goto(live_server + "/login")
    rep.fill("#login", "east_rep")
    rep.fill("#password", "not-the-password")
    rep.click("#login-form button[type=submit]")
    expect(rep.locator("#login-error")).to_contain_text("登录名或密码错误")
    log_in_as(rep, live_server, "east_rep", TEST_PASSWORD)
    rep.goto(live_server + "/customers")
    assert listed(rep) == {"上海华东电器集团"}

    manager = another_tab()
    log_in_as(manager, live_server, "east_mgr", TEST_PASSWORD)
    manager.goto(live_server + "/customers")
    assert listed(manager) == {"上海华东电器集团"}

    add_user(live_runtime, "director", "sales_manager", department="Sales")
    director = another_tab()
    log_in_as(director, live_server, "director", TEST_PASSWORD)
    director.goto(live_server + "/customers")
    assert listed(director) == {"上海华东电器集团", "成都西部机械厂"}
