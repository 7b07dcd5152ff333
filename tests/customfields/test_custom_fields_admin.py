"""Administrators add, order and retire custom fields; forms, lists and validation follow."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, bearer, csrf_token, log_in, runtime_of


@pytest.fixture
def app(kht_app):
    app = kht_app()
    add_user(runtime_of(app), "boss", "administrator")
    add_user(runtime_of(app), "rep", "sales_rep")
    return app


def api(app, login):
    client = TestClient(app)
    client.headers.update(bearer(runtime_of(app), login))
    return client


LEVEL = {
    "kind": "customer",
    "name": "level",
    "type": "single_choice",
    "label_zh": "等级",
    "label_en": "Level",
    "choices": ["A", "B"],
    "required": True,
}


def test_an_added_field_is_validated_on_customers_and_shown_in_columns(app):
    with api(app, "boss") as boss:
        added = boss.post("/api/v1/custom-fields", json=LEVEL)
        assert added.status_code == 201 and added.json()["key"] == "ext.custom.level"
        missing = boss.post("/api/v1/customers", json={"name": "X"})
        assert missing.status_code == 422 and missing.json()["field"] == "ext.custom.level"
        wrong = boss.post(
            "/api/v1/customers", json={"name": "X", "ext": {"custom": {"level": "Z"}}}
        )
        assert wrong.status_code == 422 and "A, B" in wrong.json()["message"]
        ok = boss.post("/api/v1/customers", json={"name": "X", "ext": {"custom": {"level": "A"}}})
        assert ok.status_code == 201
        keys = [c["key"] for c in boss.get("/api/v1/customers/columns").json()]
        assert "ext.custom.level" in keys


def test_retiring_keeps_values_and_stops_validation_and_restoring_brings_it_back(app):
    with api(app, "boss") as boss:
        field = boss.post("/api/v1/custom-fields", json=LEVEL).json()
        created = boss.post(
            "/api/v1/customers", json={"name": "X", "ext": {"custom": {"level": "B"}}}
        ).json()
        assert boss.post(f"/api/v1/custom-fields/{field['id']}/retire").json()["active"] is False
        assert boss.post("/api/v1/customers", json={"name": "Y"}).status_code == 201
        kept = boss.get(f"/api/v1/customers/{created['id']}").json()
        assert kept["ext"] == {"custom": {"level": "B"}}
        boss.post(f"/api/v1/custom-fields/{field['id']}/restore")
        assert boss.post("/api/v1/customers", json={"name": "Z"}).status_code == 422


def test_fields_are_reordered_and_bad_definitions_refused(app):
    with api(app, "boss") as boss:
        a = boss.post("/api/v1/custom-fields", json={**LEVEL, "required": False}).json()
        b = boss.post(
            "/api/v1/custom-fields",
            json={
                "kind": "customer",
                "name": "budget",
                "type": "money",
                "label_zh": "预算",
                "label_en": "Budget",
            },
        ).json()
        order = boss.post(
            "/api/v1/custom-fields/order",
            json={"kind": "customer", "field_ids": [b["id"], a["id"]]},
        )
        assert [f["name"] for f in order.json()] == ["budget", "level"]
        assert (
            boss.post(
                "/api/v1/custom-fields/order", json={"kind": "customer", "field_ids": [a["id"]]}
            ).status_code
            == 422
        )
        clash = boss.post("/api/v1/custom-fields", json={**LEVEL, "required": False})
        assert clash.status_code == 409
        for bad, field in [
            ({"name": "Bad Name"}, "name"),
            ({"type": "rocket"}, "type"),
            ({"choices": []}, "choices"),
            ({"kind": "planet"}, "kind"),
        ]:
            answer = boss.post("/api/v1/custom-fields", json={**LEVEL, "name": "x1", **bad})
            assert answer.status_code == 422 and answer.json()["field"] == field


def test_a_rep_cannot_change_fields(app):
    with api(app, "rep") as rep:
        assert rep.post("/api/v1/custom-fields", json=LEVEL).status_code == 403
        assert rep.get("/api/v1/custom-fields").status_code == 200


def test_the_admin_page_adds_orders_and_retires(app):
    with TestClient(app) as client:
        log_in(client, "boss")
        token = csrf_token(client)
        added = client.post(
            "/admin/fields",
            data={
                "_csrf_token": token,
                "kind": "customer",
                "name": "level",
                "type": "single_choice",
                "label_zh": "等级",
                "label_en": "Level",
                "choices": "A，B",
            },
            follow_redirects=True,
        )
        assert added.status_code == 200 and "ext.custom.level" in added.text
        bad = client.post(
            "/admin/fields",
            data={
                "_csrf_token": token,
                "kind": "customer",
                "name": "9x",
                "type": "text",
                "label_zh": "x",
                "label_en": "x",
            },
        )
        assert bad.status_code == 422 and "name must start" in bad.text
        with api(app, "boss") as boss:
            field_id = boss.get("/api/v1/custom-fields").json()[0]["id"]
        client.post(f"/admin/fields/{field_id}", data={"_csrf_token": token, "op": "retire"})
        with api(app, "boss") as boss:
            assert boss.get("/api/v1/custom-fields").json()[0]["active"] is False
