"""Exports show labels in the reader's language by default, the raw keys on request (API
param, CLI flag, the list page's checkbox), and an exported file imports again."""

from __future__ import annotations

from sqlalchemy import select

from kht.auth.models import User
from kht.customers.models import CustomerCategory
from kht.testing import log_in
from kht.web.i18n import translations
from tests.exporting.conftest import customer
from tests.exporting.test_export import csv_rows
from tests.importing.conftest import run, upload

URL = "/api/v1/customers/export"
ZH = translations("zh_CN").gettext  # the labels as the Chinese catalogue has them
COLUMNS = "name,kind,stage,owner_id,category_id"


def set_language(world, login: str, language: str) -> None:
    with world.runtime.ctx() as ctx:
        ctx.session.scalar(select(User).where(User.login == login)).language = language


def categorised(filled) -> int:
    with filled.runtime.ctx() as ctx:
        vip = CustomerCategory(name="重点客户")
        ctx.session.add(vip)
        ctx.session.flush()
        return vip.id


def test_choices_stages_users_and_categories_are_exported_as_chinese_labels(filled):
    vip = categorised(filled)
    customer(filled, "mgr", name="个人客户", kind="person", category_id=vip)
    with filled.client("mgr") as client:
        answer = client.get(URL, params={"columns": COLUMNS, "sort": "name", "q": "个人"})
    assert csv_rows(answer.content) == [
        ["名称", "类型", "生命周期阶段", "负责人", "客户类别"],
        ["个人客户", ZH("Person"), "目标客户", "Mgr", "重点客户"],
    ]


def test_an_english_reader_gets_english_labels(filled):
    set_language(filled, "mgr", "en")
    customer(filled, "mgr", name="Person Co", kind="person")
    with filled.client("mgr") as client:
        answer = client.get(URL, params={"columns": "name,kind,stage", "q": "Person"})
    assert csv_rows(answer.content)[1:] == [["Person Co", "Person", "Target"]]


def test_raw_keys_are_exported_on_request_with_users_by_login(filled):
    vip = categorised(filled)
    customer(filled, "mgr", name="个人客户", kind="person", category_id=vip)
    with filled.client("mgr") as client:
        answer = client.get(URL, params={"columns": COLUMNS, "q": "个人", "raw": "true"})
    assert csv_rows(answer.content)[1:] == [["个人客户", "person", "target", "mgr", str(vip)]]


def test_contact_and_lead_choices_and_quote_statuses_are_labelled(filled):
    from kht.leads.models import Lead

    with filled.ctx_as("mgr") as ctx:
        ctx.session.add(Lead(name="线索甲", status="qualified", owner_id=filled.users["mgr"]))
    with filled.client("mgr") as client:
        leads = client.get("/api/v1/leads/export", params={"columns": "name,status"})
        raw = client.get("/api/v1/leads/export", params={"columns": "status", "raw": "1"})
    assert csv_rows(leads.content)[1:] == [["线索甲", ZH("Qualified")]]
    assert csv_rows(raw.content)[1:] == [["qualified"]]


def test_product_lines_are_exported_by_name_and_booleans_as_yes_or_no(filled):
    from kht.org.models import BusinessLine
    from kht.products.models import Product

    with filled.runtime.ctx() as ctx:
        line = BusinessLine(name="安检设备")
        ctx.session.add(line)
        ctx.session.flush()
        ctx.session.add(Product(code="X-1", name="安检机", product_line_id=line.id, active=True))
    with filled.client("boss") as client:
        answer = client.get(
            "/api/v1/products/export", params={"columns": "code,product_line_id,active"}
        )
    assert csv_rows(answer.content)[1:] == [["X-1", "安检设备", ZH("Yes")]]


def test_a_labelled_export_imports_again_and_so_does_a_raw_one(filled):
    vip = categorised(filled)
    customer(filled, "rep", name="个人客户", kind="person", category_id=vip)
    with filled.client("mgr") as client:
        files = [
            client.get(URL, params={"columns": COLUMNS, "q": "个人", "raw": raw}).content
            for raw in ("false", "true")
        ]
        for exported in files:
            # Dedupe "create": the same name again, so every column is read back.
            import_id = upload(client, "back.csv", exported).json()["id"]
            job = run(client, import_id, dedupe="create").json()
            assert job["result"]["created"] == 1 and job["result"]["failed"] == 0, job
    copies = [c for c in filled.customers() if c.name == "个人客户"]
    assert [(c.kind, c.owner_id, c.category_id) for c in copies] == [
        ("person", filled.users["rep"], vip)
    ] * 3


def test_contact_choices_exported_in_english_import_again(filled):
    from kht.contacts.models import Contact

    set_language(filled, "mgr", "en")
    acme = customer(filled, "mgr", name="Acme")
    with filled.ctx_as("mgr") as ctx:
        ctx.session.add(
            Contact(
                name="Li Si",
                customer_id=acme,
                role="decision_maker",
                attitude="supportive",
                owner_id=filled.users["mgr"],
            )
        )
    with filled.client("mgr") as client:
        params = {"columns": "name,customer_id,role,attitude"}
        exported = client.get("/api/v1/contacts/export", params=params).content
        assert csv_rows(exported)[1:] == [["Li Si", "Acme", "Decision maker", "Supportive"]]
        import_id = upload(client, "c.csv", exported, kind="contact").json()["id"]
        job = run(client, import_id, dedupe="create").json()
    assert job["result"]["created"] == 1, job
    with filled.runtime.ctx() as ctx:
        roles = [(c.role, c.attitude, c.customer_id) for c in ctx.session.scalars(select(Contact))]
    assert roles == [("decision_maker", "supportive", acme)] * 2


def test_the_cli_exports_raw_keys_with_a_flag(filled, tmp_path):
    from tests.test_cli import kht

    url = filled.runtime.settings.database_url
    args = ("export", "--as", "boss", "--columns", "kind,owner_id", "--sort", "name", "-o")
    labelled = kht(url, *args, str(tmp_path / "l.csv"))
    raw = kht(url, *args, str(tmp_path / "r.csv"), "--raw")
    assert labelled.returncode == 0 and raw.returncode == 0, raw.stderr
    assert ["company", "mgr"] in csv_rows((tmp_path / "r.csv").read_bytes())
    assert [ZH("Company"), "Mgr"] in csv_rows((tmp_path / "l.csv").read_bytes())


def test_the_list_page_offers_raw_keys_as_a_checkbox(filled):
    with filled.client("mgr") as browser:
        browser.headers.pop("Authorization")
        log_in(browser, "mgr")
        page = browser.get("/customers")
        raw = browser.get(
            "/customers/export", params={"format": "csv", "columns": "kind", "raw": "1"}
        )
    assert 'id="export-raw"' in page.text and 'name="raw"' in page.text
    assert {row[0] for row in csv_rows(raw.content)[1:]} == {"company"}


def test_opportunity_status_and_forecast_category_are_labelled(filled):
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity

    acme = customer(filled, "mgr", name="Acme")
    with filled.ctx_as("mgr") as ctx:
        data = OpportunityCreate(name="大单", customer_id=acme, forecast_category="commit")
        create_opportunity(ctx, data)
    with filled.client("boss") as client:
        params = {"columns": "name,status,forecast_category,stage_id"}
        labelled = client.get("/api/v1/opportunities/export", params=params)
        raw = client.get("/api/v1/opportunities/export", params={**params, "raw": "1"})
    [[name, status, forecast, stage]] = csv_rows(labelled.content)[1:]
    assert (name, status, forecast) == ("大单", ZH("Open"), ZH("Commit"))
    assert stage and not stage.isdigit()  # the stage's name, not its id
    [[_, status, forecast, stage_id]] = csv_rows(raw.content)[1:]
    assert (status, forecast) == ("open", "commit") and stage_id.isdigit()
