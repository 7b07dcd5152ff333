"""The reports page draws a chart per report and the core funnel of a chosen product line."""

from __future__ import annotations

import json
import re

from litestar.testing import TestClient

from kht.testing import log_in
from tests.plugins.standard_product.test_lead_score import COLD, HOT
from tests.plugins.standard_product.test_reports import lead, sales


def chart_data(page: str) -> dict:
    return json.loads(re.search(r'id="reports-data">(.*?)</script>', page, re.S).group(1))


def test_each_report_has_its_chart_with_the_tables_figures(shop):
    shop.settings()
    sales(shop)
    lead(shop, "展会", HOT)
    lead(shop, "展会", COLD)
    lead(shop, "官网", COLD)
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get("/standard_product/reports")
    assert page.status_code == 200, page.text
    for chart in ("lead-sources-chart", "quote-win-rate-chart", "rep-activity-chart"):
        assert f'id="{chart}"' in page.text
    assert "/static/vendor/echarts@6.1.0/echarts.min.js" in page.text
    data = chart_data(page.text)
    assert data["sources"] == {
        "names": ["展会", "官网"],
        "leads": [2, 1],
        "converted": [0, 0],
        "rate": [0.0, 0.0],
    }
    assert data["lines"]["names"] == ["数控机床", "—"]
    assert data["lines"]["quotes"] == [2, 1] and data["lines"]["rate"] == [50.0, 0.0]
    assert data["reps"]["names"] == ["Rep1"] and data["reps"]["amount"] == [10000.0]


def test_the_funnel_of_a_chosen_product_line_is_drawn_on_the_page(shop):
    line_id = sales(shop)["line_id"]
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get(f"/standard_product/reports?product_line_id={line_id}")
        assert page.status_code == 200, page.text
        assert 'id="line-funnel-chart"' in page.text and 'id="line-funnel-table"' in page.text
        assert f'<option value="{line_id}" selected>数控机床</option>' in page.text
        funnel = chart_data(page.text)["funnel"]
        assert funnel[0]["value"] == 2  # both opportunities of the line entered the first stage
        assert funnel[-1]["value"] == 1  # one was won (its quote accepted)
        other = client.get("/standard_product/reports?product_line_id=999999")
        assert other.status_code == 422
        bad = client.get("/standard_product/reports?funnel_start=someday")
        assert bad.status_code == 422
        everything = chart_data(client.get("/standard_product/reports").text)["funnel"]
        assert everything[0]["value"] == 2


def test_a_user_without_opportunities_sees_no_funnel_section(shop):
    shop.settings()
    with TestClient(shop.app) as client:
        log_in(client, "mkt")
        page = client.get("/standard_product/reports")
    assert page.status_code == 200
    assert 'id="line-funnel-chart"' not in page.text
    assert chart_data(page.text)["funnel"] is None


def test_the_packs_pages_draw_through_the_chart_helper_and_its_static_script_is_served(shop):
    from pathlib import Path

    import plugins.standard_product

    templates = Path(plugins.standard_product.__file__).parent / "templates"
    for template in templates.rglob("*.html"):
        assert "/static/vendor/" not in template.read_text("utf-8"), template.name
    with TestClient(shop.app) as client:
        log_in(client, "rep1")
        page = client.get("/standard_product/reports").text
        script = client.get("/static/plugins/standard_product/charts.js")
    assert '<script src="/static/plugins/standard_product/charts.js"></script>' in page
    assert script.status_code == 200 and "khtCharts" in script.text
