"""The catalogue through the JSON API: create, change, delete; validation, locking, roles."""

from __future__ import annotations

import pytest


def test_an_administrator_adds_a_product_with_exact_money(office):
    product = office.product(
        "AJ-6550",
        name="通道式X射线安检机",
        unit="台",
        category="X射线安检",
        list_price="168000.50",
        tax_rate="0.13",
    )
    assert product["list_price"] == "168000.50"
    assert product["tax_rate"] == "0.1300"
    assert product["active"] is True
    assert product["version"] == 1
    with office.client("rep") as client:
        seen = client.get(f"/api/v1/products/{product['id']}").json()
    assert seen["name"] == "通道式X射线安检机"
    assert seen["list_price"] == "168000.50"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "", "name": "x"}, "code"),
        ({"code": "  ", "name": "x"}, "code"),
        ({"code": "A", "name": " "}, "name"),
        ({"code": "A", "name": "x", "list_price": "-1"}, "list_price"),
        ({"code": "A", "name": "x", "list_price": "abc"}, "list_price"),
        ({"code": "A", "name": "x", "list_price": "1.234"}, "list_price"),
        ({"code": "A", "name": "x", "tax_rate": "1.5"}, "tax_rate"),
        ({"code": "A", "name": "x", "tax_rate": "-0.01"}, "tax_rate"),
        ({"code": "A", "name": "x", "product_line_id": 999}, "product_line_id"),
        ({"code": "A", "name": "x", "owner_id": 1}, "owner_id"),
        ({"code": "A", "name": "x", "ext": {"custom": {"nope": 1}}}, "ext.custom.nope"),
    ],
)
def test_bad_input_is_refused_with_422_naming_the_field(office, body, field):
    with office.client("boss") as client:
        response = client.post("/api/v1/products", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_a_product_code_is_unique(office):
    office.product("SAME")
    with office.client("boss") as client:
        response = client.post("/api/v1/products", json={"code": "same", "name": "twin"})
    assert response.status_code == 409
    assert response.json()["field"] == "code"


def test_reps_and_managers_view_but_may_not_change_the_catalogue(office):
    product = office.product("P-1")
    for login in ("rep", "manager"):
        with office.client(login) as client:
            assert client.get("/api/v1/products").status_code == 200
            assert (
                client.post("/api/v1/products", json={"code": "X", "name": "x"}).status_code == 403
            )
            patch = client.patch(
                f"/api/v1/products/{product['id']}", json={"version": 1, "name": "y"}
            )
            assert patch.status_code == 403
            assert client.delete(f"/api/v1/products/{product['id']}").status_code == 403
            assert client.post("/api/v1/price-lists", json={"name": "x"}).status_code == 403


def test_a_stale_version_gets_409_and_changes_nothing(office):
    product = office.product("P-1", list_price="100.00")
    with office.client("boss") as client:
        first = client.patch(
            f"/api/v1/products/{product['id']}", json={"version": 1, "list_price": "120.00"}
        )
        stale = client.patch(
            f"/api/v1/products/{product['id']}", json={"version": 1, "list_price": "90.00"}
        )
        now = client.get(f"/api/v1/products/{product['id']}").json()
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["field"] == "version"
    assert now["list_price"] == "120.00"


def test_delete_moves_to_the_recycle_bin_and_restore_brings_back(office):
    product = office.product("P-1")
    with office.client("boss") as client:
        assert client.delete(f"/api/v1/products/{product['id']}").status_code == 204
        assert client.get(f"/api/v1/products/{product['id']}").status_code == 404
        binned = client.get("/api/v1/products", params={"deleted": "true"}).json()
        assert [p["code"] for p in binned["items"]] == ["P-1"]
        restored = client.post(f"/api/v1/products/{product['id']}/restore")
        assert restored.status_code == 200
        assert client.get(f"/api/v1/products/{product['id']}").status_code == 200


def test_changes_are_audited(office):
    product = office.product("P-1", list_price="100.00")
    with office.client("boss") as client:
        client.patch(f"/api/v1/products/{product['id']}", json={"version": 1, "tax_rate": "0.06"})
    from kht.audit.service import history

    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "boss")
        entries = history(ctx, "product", product["id"])
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes == {"tax_rate": ["0.1300", "0.0600"]}


def test_the_list_searches_filters_and_sorts(office):
    office.product("B-2", name="监护仪", category="医疗", list_price="23500.00")
    office.product("A-1", name="安检机", category="安检", list_price="168000.00")
    office.product("C-3", name="口罩", category="医疗", list_price="25.00", active=False)
    with office.client("rep") as client:
        by_code = client.get("/api/v1/products").json()
        medical = client.get("/api/v1/products", params={"f": "category:eq:医疗"}).json()
        dear = client.get(
            "/api/v1/products", params={"f": "list_price:gte:1000", "sort": "-list_price"}
        ).json()
        found = client.get("/api/v1/products", params={"q": "安检"}).json()
        on_sale = client.get("/api/v1/products", params={"f": "active:eq:true"}).json()
        bad = client.get("/api/v1/products", params={"f": "list_price:gte:lots"})
    assert [p["code"] for p in by_code["items"]] == ["A-1", "B-2", "C-3"]
    assert by_code["total"] == 3
    assert [p["code"] for p in medical["items"]] == ["B-2", "C-3"]
    assert [p["code"] for p in dear["items"]] == ["A-1", "B-2"]
    assert [p["code"] for p in found["items"]] == ["A-1"]
    assert [p["code"] for p in on_sale["items"]] == ["A-1", "B-2"]
    assert bad.status_code == 422
    assert bad.json()["field"] == "list_price"


def test_the_catalogue_exports_as_csv(office):
    office.product("A-1", name="安检机", list_price="168000.50")
    office.product("B-2", name="监护仪", list_price="23500.00")
    with office.client("boss") as client:
        response = client.get(
            "/api/v1/products/export",
            params={"format": "csv", "columns": ["code", "name", "list_price"], "sort": "code"},
        )
    assert response.status_code == 200, response.text
    text = response.content.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "编码,名称,标准价" or lines[0] == "Code,Name,List price"
    assert lines[1:] == ["A-1,安检机,168000.50", "B-2,监护仪,23500.00"]


def test_reps_may_not_export_the_catalogue(office):
    with office.client("rep") as client:
        response = client.get("/api/v1/products/export", params={"format": "csv"})
    assert response.status_code == 403


def test_a_bulk_change_that_clashes_with_stored_data_is_a_409_not_a_500(kht_app):
    from litestar.testing import TestClient

    from kht.testing import add_user, bearer, csrf_token, log_in, runtime_of

    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as api:
        api.headers.update(bearer(runtime, "boss"))
        first = api.post(
            "/api/v1/products",
            json={
                "code": "A-1",
                "name": "甲",
                "unit": "台",
                "list_price": "10.00",
                "tax_rate": "0.13",
            },
        )
        second = api.post(
            "/api/v1/products",
            json={
                "code": "B-1",
                "name": "乙",
                "unit": "台",
                "list_price": "10.00",
                "tax_rate": "0.13",
            },
        )
        assert first.status_code == second.status_code == 201, first.text
    with TestClient(app) as browser:
        log_in(browser, "boss")
        answer = browser.post(
            "/lists/bulk/product",
            data={
                "_csrf_token": csrf_token(browser),
                "action": "set",
                "field": "code",
                "value": "A-1",
                "ids": [str(first.json()["id"]), str(second.json()["id"])],
            },
        )
        assert answer.status_code == 409 and "Traceback" not in answer.text
