"""Browser harness: the real app in its own process (`live_server`, from kht.testing), driven
by Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

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


CLOCK_FOLDER = str(Path(__file__).parent / "clock")


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
