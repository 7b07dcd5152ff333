"""An administrator subscribes a receiver to new customers from /admin/webhooks, copies the
signing secret shown once, sends a test, and sees the worker's delivery in the log; the
message verifies with that secret (a real server, a real `kht worker`, a real receiver)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kht.testing import LIVE_SERVER_SECRET_KEY, TEST_PASSWORD, add_user, serving
from kht.webhooks.models import WebhookDelivery
from tests.browser.conftest import log_in_as, open_menu
from tests.webhooks.conftest import receiver, verify  # noqa: F401 - the receiver fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def site(kht_db_url, live_runtime, tmp_path) -> Iterator[str]:
    """`kht serve` and `kht worker` sharing a queue, on a server that allows 127.0.0.1."""
    add_user(live_runtime, "boss", "administrator", department="HQ")
    env = {
        "KHT_HUEY_PATH": str(tmp_path / "huey.db"),
        "KHT_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        # The server seals each subscription's secret with its instance key; the worker
        # unseals it to sign, so both run with the same key.
        "KHT_SECRET_KEY": LIVE_SERVER_SECRET_KEY,
    }
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "kht", "worker", "--workers", "1"],
        env={**os.environ, **env, "KHT_DATABASE_URL": kht_db_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with serving(kht_db_url, **env) as url:
            yield url
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _delivered(live_runtime, seconds: float = 90) -> WebhookDelivery:
    """Wait until the worker has recorded the receiver's answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with live_runtime.ctx() as ctx:
            found = ctx.session.scalar(
                select(WebhookDelivery).where(WebhookDelivery.status == "delivered")
            )
        if found is not None:
            return found
        time.sleep(0.2)  # polling the condition: the worker runs in another process
    raise AssertionError("the worker delivered nothing in time")


def test_an_administrator_subscribes_sees_the_secret_once_and_sends_a_test(
    site,
    live_runtime,
    receiver,  # noqa: F811 - the fixture imported above
    page,
):
    log_in_as(page, site, "boss", TEST_PASSWORD)
    open_menu(page)
    page.locator("[data-menu-section=admin] .dropdown-toggle").click()
    page.locator("[data-menu-section=admin] [data-menu=admin_webhooks]").click()
    page.wait_for_url(site + "/admin/webhooks")

    page.fill("#webhook-name", "ERP 同步")
    page.fill("#webhook-url", receiver.url)
    page.check("#event-record\\.created")
    page.check("#kind-customer")
    page.click("#webhook-create")
    secret = page.locator("#new-secret-value").inner_text().strip()
    assert secret.startswith("whsec_")
    expect(page.locator("#webhook-settings h1")).to_have_text("ERP 同步")

    # Shown once: the subscription's page, opened from the list, never shows it again.
    page.locator("nav[aria-label=breadcrumb] a").click()
    page.wait_for_url(site + "/admin/webhooks")
    page.locator("#webhook-table a", has_text="ERP 同步").click()
    expect(page.locator("#delivery-log")).to_be_visible()
    expect(page.locator("#new-secret")).to_have_count(0)
    assert secret not in page.content()

    page.click("#webhook-test")
    expect(page.locator("#notice")).to_be_visible()
    delivery = _delivered(live_runtime)
    page.reload()
    row = page.locator(f"#delivery-log tr[data-delivery='{delivery.id}']")
    expect(row).to_have_attribute("data-status", "delivered")
    expect(row.locator(".attempt-code")).to_have_text("200")
    expect(row).to_contain_text("测试消息")

    [message] = receiver.requests
    assert message.headers["webhook-id"] == delivery.message_id
    assert verify(secret, message.headers, message.body)
