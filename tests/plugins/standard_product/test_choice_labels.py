"""The pack's choices are stored as keys and read as labels in the reader's language: record
pages, forms, lists, filters, history, exports and imports; the API takes keys only."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from kht.auth.models import User
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.leads.models import Lead
from kht.leads.schemas import LeadUpdate
from kht.leads.service import get_lead, update_lead
from tests.exporting.conftest import own_queue  # noqa: F401 - exports and imports run as jobs

PACK = "standard_product"
INDUSTRY = f"ext.{PACK}.industry"
PRODUCTS = f"ext.{PACK}.product_interest"
VALUES = {"industry": "instruments", "product_interest": ["equipment", "maintenance"]}


def set_language(shop, login: str, language: str) -> None:
    with shop.at(None) as ctx:
        ctx.session.scalar(select(User).where(User.login == login)).language = language


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def cell(page: str, key: str) -> str:
    """The text of a list's first cell of column `key` (tags stripped)."""
    found = re.search(rf'data-col="{re.escape(key)}"[^>]*>(.*?)</td>', page, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_a_lead_page_shows_the_labels_in_chinese_and_in_english(shop):
    lead_id = shop.lead(VALUES, owner="rep1", name="明达仪器")
    with shop.browser("rep1") as client:
        zh = client.get(f"/leads/{lead_id}").text
        set_language(shop, "rep1", "en")
        en = client.get(f"/leads/{lead_id}").text
    assert re.search(rf'data-field="{INDUSTRY}">仪器仪表</dd>', zh)
    assert re.search(rf'data-field="{PRODUCTS}">整机, 维保服务</dd>', zh)
    assert re.search(rf'data-field="{INDUSTRY}">Instruments</dd>', en)
    assert re.search(rf'data-field="{PRODUCTS}">Equipment, Maintenance</dd>', en)
    # The form's options send the key and show the label.
    assert '<option value="instruments" selected>仪器仪表</option>' in zh
    assert '<option value="maintenance" selected>Maintenance</option>' in en
    assert ">instruments<" not in zh and ">instruments<" not in en


def test_a_customer_page_shows_the_labels(shop):
    with shop.at("rep1") as ctx:
        customer = create_customer(ctx, CustomerCreate(name="明达仪器", ext={PACK: VALUES}))
    with shop.browser("rep1") as client:
        page = client.get(f"/customers/{customer.id}").text
        printed = client.get(f"/customers/{customer.id}/print").text
    assert "仪器仪表" in page and "整机, 维保服务" in page
    assert "仪器仪表" in printed and "整机, 维保服务" in printed
    assert ">instruments<" not in page and "maintenance" not in printed


def test_a_change_in_the_history_names_the_field_and_the_labels(shop):
    lead_id = shop.lead(VALUES, owner="rep1")
    with shop.at("rep1") as ctx:
        lead = get_lead(ctx, lead_id)
        change = LeadUpdate(version=lead.version, ext={PACK: {"industry": "automotive"}})
        update_lead(ctx, lead_id, change)
    with shop.browser("rep1") as client:
        page = client.get(f"/leads/{lead_id}").text
    with shop.browser("admin") as client:
        log = client.get("/admin/audit", params={"kind": "lead", "record": lead_id}).text
    history = page[page.index('id="history"') :]
    assert re.search(r"行业</th><td><del>仪器仪表</del> → <ins>汽车</ins>", history)
    assert "automotive" not in history and PACK not in history
    assert "行业" in log and "仪器仪表" in log and "整机, 维保服务" in log
    assert "automotive" not in log and "instruments" not in log


def test_the_list_shows_labels_and_filters_by_key_or_label(shop):
    wanted = shop.lead(VALUES, owner="rep1", name="明达仪器")
    shop.lead({"industry": "automotive"}, owner="rep1", name="华远汽车")
    columns = {"c": f"name,{INDUSTRY},{PRODUCTS}"}
    with shop.browser("rep1") as client:
        by_key = client.get("/leads", params={**columns, "f": f"{INDUSTRY}:eq:instruments"})
        by_label = client.get("/leads", params={**columns, "f": f"{INDUSTRY}:eq:仪器仪表"})
        by_product = client.get("/leads", params={**columns, "f": f"{PRODUCTS}:contains:整机"})
        set_language(shop, "rep1", "en")
        english = client.get("/leads", params={**columns, "f": f"{INDUSTRY}:eq:Instruments"})
    for page in (by_key, by_label, by_product):
        assert page.status_code == 200
        assert "明达仪器" in page.text and "华远汽车" not in page.text
        assert f'data-id="{wanted}"' in page.text
    assert cell(by_key.text, INDUSTRY) == "仪器仪表"
    assert cell(by_key.text, PRODUCTS) == "整机, 维保服务"
    assert cell(english.text, INDUSTRY) == "Instruments"
    assert "华远汽车" not in english.text


def test_the_api_filters_by_key_and_refuses_an_unknown_choice_naming_the_field(shop):
    shop.lead(VALUES, owner="rep1", name="明达仪器")
    shop.lead({"industry": "automotive"}, owner="rep1", name="华远汽车")
    with shop.client("rep1") as client:
        found = client.get("/api/v1/leads", params={"f": f"{INDUSTRY}:eq:instruments"})
        unknown = client.get("/api/v1/leads", params={"f": f"{INDUSTRY}:eq:造船"})
        old_text = client.post(
            "/api/v1/leads",
            json={"name": "张三", "ext": {PACK: {"industry": "仪器仪表 Instruments"}}},
        )
        bad_item = client.post(
            "/api/v1/leads", json={"name": "张三", "ext": {PACK: {"product_interest": ["整机"]}}}
        )
    assert [lead["name"] for lead in found.json()["items"]] == ["明达仪器"]
    assert unknown.status_code == 422 and unknown.json()["field"] == INDUSTRY
    assert old_text.status_code == 422 and old_text.json()["field"] == INDUSTRY
    assert "instruments" in old_text.json()["message"]
    assert bad_item.status_code == 422 and bad_item.json()["field"] == PRODUCTS


def test_the_customer_columns_api_gives_keys_and_labels(shop):
    with shop.client("rep1") as client:
        columns = {c["key"]: c for c in client.get("/api/v1/customers/columns").json()}
    industry = columns[INDUSTRY]
    assert industry["choices"][:2] == ["automotive", "electronics"]
    assert industry["choice_labels"][0] == {
        "key": "automotive",
        "label_zh": "汽车",
        "label_en": "Automotive",
    }
    assert {"key": "company", "label_zh": "企业", "label_en": "Company"} in columns["kind"][
        "choice_labels"
    ]


def test_an_export_gives_labels_by_default_and_keys_when_raw(shop):
    shop.lead(VALUES, owner="rep1", name="明达仪器")
    params = {"columns": f"name,{INDUSTRY},{PRODUCTS}"}
    with shop.client("east_mgr") as client:
        labelled = client.get("/api/v1/leads/export", params=params)
        raw = client.get("/api/v1/leads/export", params={**params, "raw": "1"})
        set_language(shop, "east_mgr", "en")
        english = client.get("/api/v1/leads/export", params=params)
    assert csv_rows(labelled.content)[1:] == [["明达仪器", "仪器仪表", "整机, 维保服务"]]
    assert csv_rows(english.content)[1:] == [["明达仪器", "Instruments", "Equipment, Maintenance"]]
    assert csv_rows(raw.content)[1:] == [["明达仪器", "instruments", "equipment, maintenance"]]


def test_an_import_takes_the_key_or_a_label_in_either_language(shop):
    rows = [
        ["name", INDUSTRY, PRODUCTS],
        ["甲公司", "instruments", "equipment"],
        ["乙公司", "仪器仪表", "整机, 维保服务"],
        ["丙公司", "Medical devices", "maintenance, Parts"],
        ["丁公司", "造船", ""],
    ]
    data = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    with shop.client("admin") as client:
        upload = client.post(
            "/api/v1/imports",
            files={"file": ("leads.csv", data, "text/csv")},
            data={"kind": "lead"},
        )
        assert upload.status_code in (200, 201), upload.text
        assert set(upload.json()["mapping"].values()) == {"name", INDUSTRY, PRODUCTS}
        job = client.post(
            f"/api/v1/imports/{upload.json()['id']}/run", json={"commit_valid": True}
        ).json()
    assert job["result"]["created"] == 3 and job["result"]["failed"] == 1, job
    with shop.at(None) as ctx:
        stored = {lead.name: lead.ext.get(PACK) for lead in ctx.session.scalars(select(Lead))}
    assert stored == {
        "甲公司": {"industry": "instruments", "product_interest": ["equipment"]},
        "乙公司": {"industry": "instruments", "product_interest": ["equipment", "maintenance"]},
        "丙公司": {"industry": "medical_devices", "product_interest": ["maintenance", "parts"]},
    }
