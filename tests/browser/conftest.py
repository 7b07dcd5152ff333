"""Browser harness: the real app in its own process (`live_server`, from kht.testing), driven
by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("KHT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium from Debian's package (Playwright never downloads a browser here)."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def live_runtime(kht_db_url: str) -> Iterator[object]:
    """A Runtime on the live server's database, to prepare users and data for a journey."""
    from kht.runtime import Runtime
    from kht.testing import settings_for

    runtime = Runtime.from_settings(settings_for(kht_db_url))
    yield runtime
    runtime.engine.dispose()


def log_in_as(page, base_url: str, login: str, password: str) -> None:
    """Fill in the real login form and wait for the home page."""
    page.goto(base_url + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base_url + "/")
