"""The forecast and funnel pages: filters, tables and the ECharts charts (vendored)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from litestar.testing import TestClient

from kht.testing import log_in


def browser(sales, login: str) -> TestClient:
    client = TestClient(sales.app)
    log_in(client, login)
    return client


def test_the_forecast_page_shows_departments_quota_and_charts(sales):
    sales.opportunity("rep1", "1000.00", close=date(2026, 11, 15), category="commit")
    sales.quota("department", sales.department("East"), "10000.00")
    with browser(sales, "east_mgr") as client:
        page = client.get("/forecast", params={"period": "quarter", "start": "2026-10-01"})
        per_rep = client.get("/forecast", params={"start": "2026-10-01", "by_rep": "1"})
        bad = client.get("/forecast", params={"start": "2026-11-01"})
        home = client.get("/")
    assert page.status_code == 200
    text = page.text
    assert "/static/vendor/echarts@6.1.0/echarts.min.js" in text
    assert 'id="forecast-chart"' in text and 'id="forecast-data"' in text
    assert "2026 Q4" in text and "East" in text and "10,000.00" in text and "100.00" in text
    assert 'id="payments-chart"' in text  # managers may view orders
    assert "Rep1" in per_rep.text and 'data-rep="' in per_rep.text
    assert bad.status_code == 422 and 'id="forecast-error"' in bad.text
    for url in ('href="/forecast"', 'href="/funnel"', 'href="/quotas"'):
        assert url in home.text


def test_the_funnel_page_draws_the_funnel_and_conversion(sales):
    at = datetime(2026, 3, 2, 4, tzinfo=UTC)
    opportunity = sales.opportunity("rep1", "1000.00", at=at)
    sales.move("rep1", opportunity, "needs", datetime(2026, 3, 4, 4, tzinfo=UTC))
    with browser(sales, "rep1") as client:
        page = client.get("/funnel", params={"start": "2026-03-01", "end": "2026-03-31"})
        bad = client.get("/funnel", params={"start": "2026-03-31", "end": "2026-03-01"})
    assert page.status_code == 200
    assert 'id="funnel-chart"' in page.text and 'id="conversion-chart"' in page.text
    # The data as a JSON block for the static script that draws it (no inline script).
    assert 'id="funnel-data"' in page.text and 'src="/static/charts.js"' in page.text
    assert 'data-stage="qualify"' in page.text and "100.0%" in page.text
    assert bad.status_code == 422 and 'id="funnel-error"' in bad.text


def test_people_without_opportunities_get_no_menu_and_no_pages(sales):
    with browser(sales, "mkt") as client:
        home = client.get("/")
        page = client.get("/forecast")
    assert 'href="/forecast"' not in home.text and 'href="/quotas"' not in home.text
    assert page.status_code == 403
