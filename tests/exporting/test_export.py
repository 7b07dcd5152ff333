"""Exporting the customer list: scope, columns, filters, formats, formula injection, jobs."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
from python_calamine import CalamineWorkbook

from kht.jobs.service import run_job
from kht.testing import csrf_token, log_in, override_settings

URL = "/api/v1/customers/export"


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), content[:10]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_csv_export_has_a_bom_and_only_the_users_scope(filled):
    with filled.client("mgr") as client:
        answer = client.get(URL, params={"columns": "name,phone", "sort": "name"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = csv_rows(answer.content)
    assert rows[0] == ["名称", "电话"]
    names = {row[0] for row in rows[1:]}
    assert "清华同方威视" in names and "西部电力" not in names and len(rows) == 3


def test_an_administrator_exports_everything(filled):
    with filled.client("boss") as client:
        rows = csv_rows(client.get(URL, params={"columns": "name"}).content)
    assert len(rows) == 4


def test_a_rep_without_the_export_permission_gets_403(filled):
    with filled.client("rep") as client:
        assert client.get(URL).status_code == 403
        assert client.post(URL, params={"background": "1"}).status_code == 403


def test_filters_search_and_chosen_columns_are_applied(filled):
    with filled.client("boss") as client:
        by_filter = csv_rows(
            client.get(
                URL, params={"f": "name:contains:同方", "columns": "name,ext.custom.level"}
            ).content
        )
        by_search = csv_rows(client.get(URL, params={"q": "029", "columns": "name"}).content)
        custom = csv_rows(
            client.get(
                URL,
                params={"f": "ext.custom.level:eq:A", "columns": "name,ext.custom.tags,owner_id"},
            ).content
        )
    assert by_filter == [["名称", "客户等级"], ["清华同方威视", "A"]]
    assert by_search == [["名称"], ["西部电力"]]
    assert custom == [["名称", "行业", "负责人"], ["清华同方威视", "医疗, 电力", "Mgr"]]


def test_default_columns_are_the_lists_default_columns_in_the_users_language(filled):
    with filled.client("boss") as client:
        header = csv_rows(client.get(URL).content)[0]
    assert header == ["名称", "类型", "电话", "邮箱", "生命周期阶段", "负责人", "更新时间"]


def test_bad_columns_filters_and_formats_are_refused_naming_them(filled):
    with filled.client("boss") as client:
        assert client.get(URL, params={"columns": "salary"}).json()["field"] == "columns"
        assert client.get(URL, params={"columns": "tag"}).status_code == 422
        assert client.get(URL, params={"f": "name:like:x"}).json()["field"] == "name"
        assert client.get(URL, params={"format": "pdf"}).status_code == 422
        assert client.get(URL, params={"sort": "secret"}).json()["field"] == "sort"


def test_formula_like_text_is_neutralised_in_csv(filled):
    with filled.client("boss") as client:
        rows = csv_rows(
            client.get(
                URL, params={"columns": "name,phone,address", "f": "phone:starts:+86"}
            ).content
        )
    assert rows[1] == ['\'=HYPERLINK("http://evil","点我")', "'+86 10 1234", "'@sum(1+1)"]


def test_formula_like_text_is_plain_text_in_xlsx(filled):
    with filled.client("boss") as client:
        answer = client.get(
            URL, params={"format": "xlsx", "columns": "name,phone,address", "sort": "name"}
        )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(answer.content))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    types = {cell.data_type for row in workbook.active.iter_rows() for cell in row if cell.value}
    assert types == {"s"}
    assert ['=HYPERLINK("http://evil","点我")', "+86 10 1234", "@sum(1+1)"] in values
    assert values[0] == ["名称", "电话", "地址"]


def test_an_xlsx_export_keeps_numbers_and_times_typed(filled):
    with filled.client("boss") as client:
        answer = client.get(URL, params={"format": "xlsx", "columns": "id,name,updated_at"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(answer.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == ["编号", "名称", "更新时间"]
    assert all(isinstance(row[0], float | int) for row in rows[1:])
    assert all(row[2].year >= 2024 for row in rows[1:])


def test_a_background_export_runs_as_a_job_with_a_download(filled):
    with filled.client("mgr") as client:
        queued = client.post(URL, params={"background": "1", "columns": "name", "format": "xlsx"})
        assert queued.status_code == 202 and queued.json()["status"] == "queued"
        job_id = queued.json()["id"]
        assert run_job(filled.runtime, job_id) == "done"
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["result"]["rows"] == 2 and job["output_name"].endswith(".xlsx")
        download = client.get(job["output_url"])
    assert download.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_index(0)
    assert len(rows.to_python()) == 3


def test_the_ui_export_route_downloads_or_starts_a_job_when_big(filled, monkeypatch):
    with filled.client("mgr") as browser:
        browser.headers.pop("Authorization")
        log_in(browser, "mgr")
        small = browser.get("/customers/export", params={"columns": "name"})
        assert small.status_code == 200 and len(csv_rows(small.content)) == 3
        override_settings(monkeypatch, filled.app, import_background_rows=0)
        offer = browser.get("/customers/export", params={"format": "xlsx", "f": "name:contains:清"})
        assert offer.status_code == 200 and 'id="export-start"' in offer.text
        assert "/customers/export?format=xlsx&amp;q=&amp;sort=-updated_at&amp;f=name" in offer.text
        big = browser.post(
            "/customers/export?format=xlsx&f=name:contains:清",
            data={"_csrf_token": csrf_token(browser)},
            follow_redirects=False,
        )
        assert big.status_code == 303 and big.headers["location"].startswith("/jobs/")
        page = browser.get(big.headers["location"])
        assert page.status_code == 200 and 'data-status="queued"' in page.text
        job_id = int(big.headers["location"].rsplit("/", 1)[1])
        assert run_job(filled.runtime, job_id) == "done"
        done = browser.get(f"/jobs/{job_id}")
        assert 'id="export-result">已导出 1 行' in done.text
        assert 'id="job-download"' in done.text
    with filled.client("rep") as rep:
        rep.headers.pop("Authorization")
        log_in(rep, "rep")
        assert rep.get("/customers/export").status_code == 403


def test_an_export_streams_many_rows(world):
    from sqlalchemy import insert

    from kht.customers.models import Customer

    with world.runtime.ctx() as ctx:
        ctx.session.execute(
            insert(Customer),
            [
                {"name": f"客户{i:05d}", "owner_id": world.users["mgr"], "ext": {}}
                for i in range(5000)
            ],
        )
    with world.client("mgr") as client:
        with client.stream("GET", URL, params={"columns": "name", "sort": "name"}) as answer:
            chunks = list(answer.iter_bytes())
    rows = csv_rows(b"".join(chunks))
    assert len(rows) == 5001 and rows[1] == ["客户00000"] and rows[-1] == ["客户04999"]


def test_contacts_and_leads_export_in_scope_and_the_list_links_to_it(world):
    from kht.auth.principal import load_principal
    from kht.contacts.schemas import ContactCreate
    from kht.contacts.service import create_contact
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.leads.schemas import LeadCreate
    from kht.leads.service import create_lead

    with world.runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, world.users["mgr"])
        customer = create_customer(ctx, CustomerCreate(name="华东电器"))
        create_contact(ctx, ContactCreate(customer_id=customer.id, name="王建国"))
        create_lead(ctx, LeadCreate(name="李四", company="=cmd|' /C calc'!A0"))
    with world.client("mgr") as client:
        contacts = client.get("/api/v1/contacts/export", params={"columns": ["name"]})
        assert contacts.status_code == 200 and "王建国" in contacts.content.decode("utf-8-sig")
        leads = client.get("/api/v1/leads/export", params={"columns": ["name", "company"]})
        assert "'=cmd" in leads.content.decode("utf-8-sig")
        assert client.get("/api/v1/planets/export").status_code == 404
    with world.client("rep") as client:
        assert client.get("/api/v1/contacts/export").status_code == 403
    with world.client("mgr") as browser:
        browser.headers.pop("Authorization")
        log_in(browser, "mgr")
        page = browser.get("/contacts", params={"f": "name:contains:王"})
        assert page.status_code == 200, page.text[-800:]
        assert 'action="/contacts/export"' in page.text and 'value="csv"' in page.text
        assert '<input type="hidden" name="f" value="name:contains:王">' in page.text
