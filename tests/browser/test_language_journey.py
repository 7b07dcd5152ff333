"""A person logs in, switches to English and back to Chinese, and sees the menu change; no
page loads anything from outside the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as, open_menu

pytestmark = pytest.mark.browser


def menu_labels(page) -> list[str]:
    return [text.strip() for text in page.locator("#main-menu .nav-link").all_inner_texts()]


def test_switching_the_language_changes_the_menu_and_nothing_loads_from_outside(
    live_server, live_runtime, page
):
    # One journey (one server at each width): every request, the login page's included.
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server, "data:"))
            else None
        ),
    )
    add_user(live_runtime, "boss", "administrator")
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    for path in ("/customers", "/api/schema", "/"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
    assert "首页" in menu_labels(page)
    assert "客户" in menu_labels(page)

    open_menu(page)
    page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the page came back in English
    assert "Home" in menu_labels(page)
    assert "Customers" in menu_labels(page)

    open_menu(page)
    page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    assert "首页" in menu_labels(page)
    assert outside == []
