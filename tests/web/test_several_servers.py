"""Two `kht serve` processes on one database, as behind a reverse proxy: a login and its CSRF
token from one are good on the other, and a plugin enabled or disabled through one is
served or dropped by the other without a restart (kht.web.live).

Real processes: one server hears of changes on the real Redis `make services` starts (a
channel of its own), the other by reading the plugins again. The test waits on conditions,
never on fixed sleeps.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from kht.testing import add_user, csrf_token, log_in, serving
from tests.conftest import EXT_PLUGIN

redis = pytest.importorskip("redis")

REDIS_URL = "redis://127.0.0.1:6379/0"
PAGE = "/ext_plugin/visits"  # the test plugin's page


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_servers_share_the_login_and_follow_each_others_plugin_changes(
    kht_runtime, monkeypatch
):
    runtime = kht_runtime(extra=(EXT_PLUGIN,))
    add_user(runtime, "boss", "administrator")
    redis.Redis.from_url(REDIS_URL).ping()  # `make services` starts Redis
    channel = {"KHT_REDIS_URL": REDIS_URL, "KHT_REDIS_PREFIX": f"kht-{uuid.uuid4().hex[:12]}"}
    for name, value in channel.items():  # this process announces on the same channel
        monkeypatch.setenv(name, value)
    url = runtime.settings.database_url
    with (
        # `one` hears of changes on Redis only (its re-read is an hour away); `two` has no
        # Redis and reads the enabled plugins again every second.
        serving(
            url, KHT_EXTRA_PLUGINS=EXT_PLUGIN, KHT_PLUGIN_CHECK_SECONDS="3600", **channel
        ) as one,
        serving(url, KHT_EXTRA_PLUGINS=EXT_PLUGIN, KHT_PLUGIN_CHECK_SECONDS="1") as two,
        # Generous: enabling migrates, seeds and rebuilds, slow on a loaded two-core machine.
        httpx.Client(timeout=180) as browser,  # cookies go to both: same host, other port
    ):
        assert log_in(browser, "boss", base=two).status_code in (302, 303)
        assert browser.get(f"{one}/").status_code == 200  # the session from `two` is good
        assert browser.get(f"{two}{PAGE}").status_code == 404

        # Enabled through `one`, with the CSRF token `two` gave.
        token = csrf_token(browser, base=two)
        enabled = browser.post(
            f"{one}/admin/plugins/ext_plugin/enable",
            data={"_csrf_token": token},
            follow_redirects=False,
        )
        assert enabled.status_code == 303
        assert browser.get(f"{one}{PAGE}").status_code == 200  # at once where it was done
        wait_for(lambda: browser.get(f"{two}{PAGE}").status_code == 200, "`two` to serve it")
        assert 'id="plugins-restart"' not in browser.get(f"{two}/admin/plugins").text

        # Disabled from outside both (as `kht plugins disable` does): both drop it, `one`
        # told by Redis, `two` by reading again.
        runtime.set_enabled("ext_plugin", False)
        for server in (one, two):
            wait_for(lambda s=server: browser.get(f"{s}{PAGE}").status_code == 404, server)
