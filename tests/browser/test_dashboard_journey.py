"""The home page is the user's dashboard: its report widget draws a chart, and a widget
dragged by its grip to another place stays there after a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kht import record_service as records
from kht.customers.service import SPEC
from kht.dashboards import service
from kht.dashboards.schemas import DashboardIn, Widget
from kht.testing import TEST_PASSWORD, acting_as, add_user
from tests.browser.conftest import drag, log_in_as

pytestmark = pytest.mark.browser


def _arranged(live_runtime) -> list[str]:
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with acting_as(live_runtime, "rep") as ctx:
        widgets = [
            Widget(type="list", key="overdue_actions", w=6),
            Widget(type="kpi", key="customers.growth_month", w=6),
            Widget(type="report", key="customers.by_source", w=12),
        ]
        records.create_record(ctx, SPEC, {"name": "杭州电子", "source": "web"})
        return [w.id for w in service.save_mine(ctx, DashboardIn(widgets=widgets)).widgets]


def test_the_home_dashboard_draws_and_keeps_a_dragged_order(live_server, live_runtime, page):
    ids = _arranged(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/")
    grid = page.locator("#dashboard-grid")
    expect(grid.locator(".dash-widget")).to_have_count(3)
    expect(grid.locator(".dash-chart canvas")).to_have_count(1)  # ECharts drew the report
    expect(grid.locator(".dash-kpi-value")).to_have_text("1")

    last = grid.locator(f".dash-widget[data-id='{ids[2]}']")
    first = grid.locator(f".dash-widget[data-id='{ids[0]}']")
    with page.expect_response("**/dashboard/order") as saved:
        drag(page, last.locator(".dash-handle"), first)
    assert saved.value.status == 200
    expect(grid.locator(".dash-widget").first).to_have_attribute("data-id", ids[2])

    page.reload()
    expect(grid.locator(".dash-widget").first).to_have_attribute("data-id", ids[2])
    with acting_as(live_runtime, "rep") as ctx:
        assert [w.id for w in service.mine(ctx).widgets][0] == ids[2]
