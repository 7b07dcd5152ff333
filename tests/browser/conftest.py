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


# The widths every journey may run at: a laptop and a phone (iPhone 12-sized).
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        "viewports(*names): run a browser journey at these widths (default: desktop only); "
        f"names from {sorted(VIEWPORTS)}",
    )


def pytest_generate_tests(metafunc) -> None:
    """Give every journey that uses `page` a `viewport` parameter (desktop unless marked).

    All journeys run at 1366 px; the ones marked ``@pytest.mark.viewports("desktop", "phone")``
    run at 390 px too — running all of them twice would double the suite's browser time.
    """
    if "page" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("viewports")
    names = list(marker.args) if marker else ["desktop"]
    unknown = [name for name in names if name not in VIEWPORTS]
    if unknown:
        raise pytest.UsageError(f"unknown viewport(s) {unknown}; use {sorted(VIEWPORTS)}")
    metafunc.parametrize("viewport", names, scope="function")


class ConsoleErrors:
    """Collects the page's JavaScript errors: uncaught exceptions, console errors, and static
    files (scripts, styles, fonts, images) that failed to load.

    A Content-Security-Policy violation is reported as a console error too, so a journey
    that trips the policy fails like one that throws.  The browser's "Failed to load
    resource" console line for a 4xx answer is not an error by itself: a refused form or a
    wrong password answers 4xx on purpose; a missing static file is caught by its response.
    """

    STATIC = frozenset({"script", "stylesheet", "font", "image"})

    def __init__(self) -> None:
        self.messages: list[str] = []

    def on_console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            where = message.location.get("url", "") if message.location else ""
            self.messages.append(f"console.error: {message.text} ({where})")

    def on_page_error(self, error) -> None:
        self.messages.append(f"page error: {error}")

    def on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type in self.STATIC:
            self.messages.append(f"{response.status} for {response.url}")

    def take(self) -> list[str]:
        """Return the errors seen so far and forget them (for a step that expects one)."""
        seen, self.messages = self.messages, []
        return seen


@pytest.fixture
def console_errors() -> ConsoleErrors:
    """The JavaScript errors of the journey's page; `page` fails the test on any left over."""
    return ConsoleErrors()


@pytest.fixture
def page(browser, viewport: str, console_errors: ConsoleErrors) -> Iterator[object]:
    """A fresh zh-CN tab at the journey's viewport that fails the journey on any JS error."""
    phone = viewport == "phone"
    context = browser.new_context(
        locale="zh-CN", viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone
    )
    tab = context.new_page()
    tab.on("console", console_errors.on_console)
    tab.on("pageerror", console_errors.on_page_error)
    tab.on("response", console_errors.on_response)
    yield tab
    context.close()
    errors = console_errors.take()
    if errors:
        pytest.fail("JavaScript errors during the journey:\n" + "\n".join(errors))


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


def drag(page, source, target) -> None:
    """Drag with real mouse moves in small steps: SortableJS follows the pointer and ignores
    Playwright's plain ``drag_to``.  Waits for nothing: the caller waits on the outcome."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 5, start["y"] + 15, steps=3)
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=15)
    page.mouse.up()
