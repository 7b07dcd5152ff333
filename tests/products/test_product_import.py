"""Importing the catalogue from a spreadsheet: Chinese headers, money, rates, dedupe by code."""

from __future__ import annotations

import csv
import io


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _import(client, rows, **options) -> dict:
    answer = client.post(
        "/api/v1/imports",
        files={"file": ("产品.csv", _csv(rows), "application/octet-stream")},
        data={"kind": "product"},
    )
    assert answer.status_code == 201, answer.text
    result = client.post(f"/api/v1/imports/{answer.json()['id']}/run", json=options)
    assert result.status_code == 200, result.text
    return result.json()


def test_a_price_list_spreadsheet_becomes_the_catalogue(office):
    from kht.org import service as org
    from kht.org.models import BusinessLine

    with office.runtime.ctx() as ctx:
        org.create_unit(ctx.session, BusinessLine, "安检设备")
    rows = [
        ["产品编码", "产品名称", "单位", "产品线", "单价", "税率", "在售"],
        ["AJ-6550", "通道式X射线安检机", "台", "安检设备", "¥168,000.00", "13%", "是"],
        ["AJ-MD300", "手持金属探测器", "个", "安检设备", "680", "0.13", "否"],
        ["BAD-1", "价格错误", "个", "", "-5", "", ""],
    ]
    with office.client("boss") as client:
        job = _import(client, rows, commit_valid=True)
        listed = client.get("/api/v1/products").json()["items"]
    assert job["result"]["created"] == 2 and job["result"]["failed"] == 1
    by_code = {p["code"]: p for p in listed}
    assert set(by_code) == {"AJ-6550", "AJ-MD300"}
    assert by_code["AJ-6550"]["list_price"] == "168000.00"
    assert by_code["AJ-6550"]["tax_rate"] == "0.1300"
    assert by_code["AJ-6550"]["product_line_id"] is not None
    assert by_code["AJ-MD300"]["active"] is False


def test_importing_again_updates_products_by_code(office):
    office.product("AJ-6550", name="旧名称", list_price="1.00")
    rows = [["编码", "名称", "标准价"], ["aj-6550", "通道式X射线安检机", "168000.00"]]
    with office.client("boss") as client:
        job = _import(client, rows, dedupe="update")
        listed = client.get("/api/v1/products").json()["items"]
    assert job["result"]["updated"] == 1
    assert [(p["code"], p["name"], p["list_price"]) for p in listed] == [
        ("AJ-6550", "通道式X射线安检机", "168000.00")
    ]


def test_reps_may_not_import_products(office):
    with office.client("rep") as client:
        answer = client.post(
            "/api/v1/imports",
            files={"file": ("产品.csv", _csv([["编码"], ["X"]]), "application/octet-stream")},
            data={"kind": "product"},
        )
    assert answer.status_code == 403
