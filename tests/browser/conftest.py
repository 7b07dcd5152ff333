"""Browser harness: the real app in its own process (`live_server`, from kht.testing), driven
by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

# An assertion waits for its condition up to this long. Playwright's 5 s default is too short
# on a busy CI machine for pages built by script (the API docs render a large schema); a
# passing assertion returns as soon as its condition holds, so only a failure waits longer.
expect.set_options(timeout=20_000)

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


CLOCK_FOLDER = str(Path(__file__).parent / "clock")

# Sunday 23:59 and Monday 00:01 in Beijing (still Sunday in UTC), one at each width: a journey
# that depends on "today" runs on both sides of the user's midnight and at both widths.
AROUND_MIDNIGHT_IN_BEIJING = pytest.mark.parametrize(
    ("clock_at", "viewport"),
    [
        (datetime(2026, 11, 29, 15, 59, tzinfo=UTC), "desktop"),
        (datetime(2026, 11, 29, 16, 1, tzinfo=UTC), "phone"),
    ],
)


@pytest.fixture
def clock_at() -> datetime | None:
    """Where a journey's clock stands still (None: the real time). Parametrize a test over
    `clock_at` to run it at chosen instants, such as both sides of midnight in Beijing."""
    return None


@pytest.fixture(autouse=True)
def _travel(clock_at: datetime | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Freeze this process's clock and the live server's at `clock_at` (a journey that takes
    a minute on a busy machine must not cross the midnight it was placed beside)."""
    if clock_at is None:
        yield
        return
    import time_machine

    monkeypatch.setenv("KHT_TEST_CLOCK", clock_at.isoformat())
    path = [CLOCK_FOLDER, os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, path)))
    with time_machine.travel(clock_at, tick=False):
        yield


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
        "viewports(*names, reason): run a browser journey at these widths only (default: every "
        f"width, {sorted(VIEWPORTS)}); `reason` says why the others do not apply",
    )


def pytest_generate_tests(metafunc) -> None:
    """Give every journey that uses `page` a `viewport` parameter: each runs at 1366 px and at
    390 px, unless marked ``@pytest.mark.viewports("desktop", reason="...")`` (a journey that
    cannot run at a width says why; a feature a phone has needs a phone journey then).

    A journey that parametrizes `viewport` itself (such as instants of the clock paired with
    widths: they are independent, so pairs cover both at half the time of every combination)
    keeps its own parameters.
    """
    if "page" not in metafunc.fixturenames:
        if "browser" in metafunc.fixturenames:  # a tab of its own would escape both checks
            raise pytest.UsageError(
                f"{metafunc.definition.nodeid}: open tabs with `page` and `another_tab`, which "
                "set the viewport and fail the journey on JavaScript errors"
            )
        return
    for mark in metafunc.definition.iter_markers("parametrize"):
        argnames = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(argnames, str):
            argnames = [name.strip() for name in argnames.split(",")]
        if "viewport" in argnames:
            return
    marker = metafunc.definition.get_closest_marker("viewports")
    names = list(marker.args) if marker else list(VIEWPORTS)
    unknown = [name for name in names if name not in VIEWPORTS]
    if unknown:
        raise pytest.UsageError(f"unknown viewport(s) {unknown}; use {sorted(VIEWPORTS)}")
    if marker and not marker.kwargs.get("reason"):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: viewports(...) needs a reason")
    metafunc.parametrize("viewport", names, scope="function")


# `make test` runs the suite on both databases; each runs the journeys at one width, so every
# journey runs at both widths and on both databases in one `make test`, in half the time of
# every width on each (journeys are the suite's slowest tests). KHT_BROWSER_WIDTHS=all runs
# every width here; a journey marked for one width only runs on the database of that width.
WIDTH_ON = {"sqlite": "desktop", "postgresql": "phone"}


def pytest_collection_modifyitems(config, items) -> None:
    """Keep the journeys at this database's width (WIDTH_ON) unless KHT_BROWSER_WIDTHS=all."""
    chosen = os.environ.get("KHT_BROWSER_WIDTHS", "")
    if chosen == "all":
        return
    database = "postgresql" if os.environ.get("KHT_TEST_DATABASE_URL") else "sqlite"
    width = chosen or WIDTH_ON[database]
    kept, dropped = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        viewport = params.params.get("viewport") if params else None
        (dropped if viewport is not None and viewport != width else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


def _tab(browser, viewport: str, console_errors: ConsoleErrors) -> tuple[object, object]:
    """A new browser context (its own cookies: its own user) and its zh-CN tab at `viewport`,
    reporting JavaScript errors to `console_errors`."""
    phone = viewport == "phone"
    context = browser.new_context(
        locale="zh-CN", viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone
    )
    tab = context.new_page()
    tab.on("console", console_errors.on_console)
    tab.on("pageerror", console_errors.on_page_error)
    tab.on("response", console_errors.on_response)
    return context, tab


@pytest.fixture
def page(browser, viewport: str, console_errors: ConsoleErrors) -> Iterator[object]:
    """A fresh zh-CN tab at the journey's viewport that fails the journey on any JS error."""
    context, tab = _tab(browser, viewport, console_errors)
    yield tab
    context.close()
    errors = console_errors.take()
    if errors:
        pytest.fail("JavaScript errors during the journey:\n" + "\n".join(errors))


@pytest.fixture
def another_tab(page, browser, viewport: str, console_errors: ConsoleErrors) -> Iterator[object]:
    """Opens one more tab per call, its own session (for another user), at the journey's
    viewport; its JavaScript errors fail the journey as the page's do."""
    contexts = []

    def open_tab() -> object:
        context, tab = _tab(browser, viewport, console_errors)
        contexts.append(context)
        return tab

    yield open_tab
    for context in contexts:
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


def open_menu(page) -> None:
    """Unfold the top bar's menu where it is folded into the menu button (on a phone); at a
    desk the menu, the search box and the language button are in the top bar already."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#main-nav.show").wait_for()


def unfold(page, section: str) -> None:
    """Open a record page's section (a CSS selector) where it is folded to its title (on a
    phone); at a desk every section is open already."""
    found = page.locator(section)
    if "kht-folded" in (found.get_attribute("class") or "").split():
        found.locator(":scope > .card-body > .card-title").click()
        page.locator(f"{section}:not(.kht-folded)").wait_for()


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
