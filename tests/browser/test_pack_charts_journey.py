"""The standard product pack's chart pages in the real browser: its scripts come from the
pack's own static folder and run under the Content-Security-Policy (any JavaScript error,
a blocked script included, fails the journey)."""

from __future__ import annotations

import pytest

from kht.testing import TEST_PASSWORD, add_user, serving
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def test_the_pack_chart_pages_draw_their_charts(kht_db_url, kht_runtime, page):
    runtime = kht_runtime(("standard_product",))
    add_user(runtime, "boss", "administrator", department="HQ")
    with serving(kht_db_url) as url:
        log_in_as(page, url, "boss", TEST_PASSWORD)
        page.goto(url + "/standard_product/performance")
        page.wait_for_selector("#revenue-quota-chart canvas")  # ECharts drew into it
        # An empty database: the reports page has no series to draw, its script still runs.
        page.goto(url + "/standard_product/reports")
        page.wait_for_load_state("load")
