"""The report API and pages: catalogue with pinyin search and favourites, a report with its
chart, pivot, export and drill-down; bad parameters are 422s naming them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from kht.testing import add_user, api_client, page_client, runtime_of


def test_the_api_lists_and_runs_reports_in_scope(demo):
    client = api_client(demo, "qian.rep")
    listed = client.get("/api/v1/reports").json()
    keys = {item["key"] for item in listed}
    assert "customers.by_stage" in keys and "analysis.funnel" in keys
    found = client.get("/api/v1/reports", params={"q": "kehu"}).json()
    assert found and all("客户" in item["title"] or "客户" in item["description"] for item in found)
    assert client.get("/api/v1/reports", params={"q": "win rate"}).json()

    answer = client.get("/api/v1/reports/customers.by_stage")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["dimensions"][0]["field"] == "stage"
    assert sum(row["values"][0] for row in body["rows"]) == body["totals"][0]
    assert all(row["drill"].startswith("/customers?f=") for row in body["rows"])

    pivot = client.get(
        "/api/v1/reports/customers.by_stage",
        params=[("d", "owner_id"), ("d", "created_at:quarter"), ("m", "count")],
    ).json()
    assert pivot["pivot"]["total"] == body["totals"][0]
    narrowed = client.get(
        "/api/v1/reports/customers.by_stage", params={"f": "kind:eq:person"}
    ).json()
    assert narrowed["totals"][0] <= body["totals"][0]
    assert "kind:eq:person" in narrowed["filters"]

    schema = client.get("/api/schema/openapi.json").json()
    assert "ReportResult" in str(schema["components"]["schemas"])
    assert "/api/v1/reports/{key}" in schema["paths"]


def test_bad_parameters_are_422s_naming_them(demo):
    client = api_client(demo, "qian.rep")
    url = "/api/v1/reports/opportunities.pipeline_by_owner"
    cases = [
        ({"d": "nonsense"}, "nonsense"),
        ({"m": "sum:name"}, "name"),  # an aggregate on a text field
        ({"m": "avg:nowhere"}, "nowhere"),
        ({"d": "name:month"}, "name"),
        ({"d": "amount:department"}, "amount"),
        ({"f": "secret:eq:1"}, "secret"),
        ({"f": "amount:eq:lots"}, "amount"),
        ({"m": "median:amount"}, "median"),
        ({"chart": "radar"}, "chart"),
    ]
    for params, named in cases:
        answer = client.get(url, params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert named in answer.text, (params, answer.text)
    assert client.get("/api/v1/reports/no.such.report").status_code == 404


def test_a_report_on_records_the_user_may_not_view_is_refused(demo):
    add_user(runtime_of(demo), "helper", "service")
    client = api_client(demo, "helper")
    keys = {item["key"] for item in client.get("/api/v1/reports").json()}
    assert "orders.revenue_month" not in keys
    assert client.get("/api/v1/reports/orders.revenue_month").status_code == 403


def test_the_catalogue_searches_in_pinyin_and_keeps_favourites(demo):
    add_user(runtime_of(demo), "mgr", "sales_manager", department="销售部")
    client = page_client(demo, "mgr")
    page = client.get("/reports")
    assert page.status_code == 200
    assert 'id="category-opportunities"' in page.text and "销售漏斗" in page.text
    found = client.get("/reports", params={"q": "xsld"}).text  # 销售漏斗
    assert "销售漏斗" in found and "客户类别分布" not in found
    assert 'id="no-reports"' in client.get("/reports", params={"q": "zzzzqqq"}).text

    posted = client.post(
        "/reports/orders.revenue_month/favourite",
        data={"favourite": "1", "next": "/reports"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    page = client.get("/reports").text
    favourites = page.split('id="report-favourites"')[1].split("</section>")[0]
    assert "每月销售额" in favourites
    api = api_client(demo, "mgr")
    assert (
        api.put(
            "/api/v1/reports/orders.revenue_month/favourite", json={"favourite": False}
        ).status_code
        == 204
    )
    assert 'id="report-favourites"' not in client.get("/reports").text


def test_the_report_page_shows_chart_pivot_table_export_and_drill_down(demo):
    add_user(runtime_of(demo), "mgr", "sales_manager", department="销售部")
    client = page_client(demo, "mgr")
    page = client.get("/reports/customers.stage_by_department")
    assert page.status_code == 200, page.text
    assert 'id="report-chart"' in page.text and 'id="report-data"' in page.text
    assert 'id="report-pivot"' in page.text and 'id="report-table"' in page.text
    assert 'href="/customers?f=owner_id' in page.text
    drilled = client.get(
        page.text.split('class="report-drill"')[0]
        .rsplit('href="', 1)[1]
        .split('"')[0]
        .replace("&amp;", "&")
    )
    assert drilled.status_code == 200

    narrowed = client.get(
        "/reports/customers.by_stage", params={"f": "kind:eq:company", "chart": "pie"}
    )
    assert narrowed.status_code == 200 and "report-chip" in narrowed.text
    csv = client.get(
        "/reports/customers.by_stage/export", params={"f": "kind:eq:company", "format": "csv"}
    )
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("生命周期阶段")
    xlsx = client.get("/reports/customers.by_stage/export", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 1).value == "生命周期阶段"
    assert sheet.max_row > 1

    bad = client.get("/reports/customers.by_stage", params={"d": "nope"})
    assert bad.status_code == 422 and "nope" in bad.text
    assert client.get("/reports/analysis.funnel", follow_redirects=False).status_code == 303


def test_actions_drill_down_to_the_reports_records_page(demo):
    add_user(runtime_of(demo), "mgr", "sales_manager", department="销售部")
    api = api_client(demo, "qian.rep")
    body = api.get("/api/v1/reports/actions.by_type").json()
    row = next(row for row in body["rows"] if row["values"][0])
    assert row["drill"].startswith("/reports/drill/action?f=")
    rep = page_client(demo, "mgr")
    assert rep.get(row["drill"]).status_code == 200
    mine = api_client(demo, "mgr").get("/api/v1/reports/actions.by_type").json()
    theirs = next(r for r in mine["rows"] if r["keys"] == row["keys"])
    shown = rep.get(theirs["drill"])
    assert f'id="drill-total">{theirs["values"][0]}<' in shown.text
    assert 'id="drill-table"' in shown.text
    assert rep.get("/reports/drill/nothing").status_code == 404


def test_a_reports_own_filters_read_in_words_not_keys(demo):
    add_user(runtime_of(demo), "mgr", "sales_manager", department="销售部")
    page = page_client(demo, "mgr").get("/reports/opportunities.pipeline_by_department")
    assert page.status_code == 200, page.text
    fixed = page.text.split('id="report-filters"', 1)[1].split("</form>", 1)[1]
    badge = fixed.split("title=", 1)[1].split("</span>", 1)[0]
    assert "状态" in badge and "进行中" in badge and "open" not in badge
