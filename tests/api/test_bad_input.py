"""Bad input is a 4xx naming the field, never a 500: ids and pages beyond the columns' range,
numbers that are no amounts, bodies nested too deep, NUL characters, the wrong media type."""

from __future__ import annotations

import re

import pytest
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from kht.testing import add_user, csrf_token, log_in
from tests.api.conftest import customer_of

TOO_BIG = [2**31, 2**63, 2**64]
INT_PARAM = re.compile(r"\{(\w+):int\}")
ANY_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def assert_refused(answer, field: str, status: int = 422) -> None:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["status"] == status and body["field"] == field, body


def id_routes(app, api: bool) -> list[tuple[str, str, str]]:
    """(method, path with every integer parameter too big, first integer parameter) per route."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not INT_PARAM.search(route.path):
            continue
        if route.path.startswith("/api/") != api:
            continue
        url = ANY_PARAM.sub(lambda m: str(2**63) if m.group(2) == "int" else "customer", route.path)
        methods = sorted(route.methods - {"HEAD", "OPTIONS"}) if api else ["GET"]
        for method in methods if api or "GET" in route.methods else []:
            found.append((method, url, INT_PARAM.search(route.path).group(1)))
    return found


def test_every_api_route_refuses_an_id_beyond_the_column_range(app, admin):
    routes = id_routes(app, api=True)
    assert len(routes) > 60  # the route table, not a hand-kept list
    for method, url, field in routes:
        assert_refused(admin.request(method, url, json={}), field)


def test_every_page_with_an_id_refuses_one_beyond_the_column_range(app, runtime):
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        log_in(client, "boss")
        for _, url, field in id_routes(app, api=False):
            answer = client.get(url)
            assert answer.status_code == 422, (url, answer.status_code)
            assert field in answer.text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/customers?page={2**63}", "page"),
        (f"/leads?view={2**63}", "view"),
        (f"/quotes/new?customer_id={2**63}", "customer_id"),
        (f"/orders/new?customer_id={2**31}", "customer_id"),
        (f"/forecast?owner_id={2**63}", "owner_id"),
        ("/customers?q=a%00b", "q"),
    ],
)
def test_a_page_reading_a_parameter_by_hand_refuses_one_out_of_range(app, runtime, url, field):
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        log_in(client, "boss")
        answer = client.get(url)
    assert answer.status_code == 422, answer.status_code
    assert field in answer.text


def test_a_form_field_beyond_range_or_with_a_nul_is_refused_by_name(app, runtime):
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        log_in(client, "boss")
        form = {"name": "Acme", "kind": "company", "_csrf_token": csrf_token(client)}
        answer = client.post("/customers/new", data={**form, "category_id": str(2**63)})
        assert answer.status_code == 422 and "category_id" in answer.text
        answer = client.post("/customers/new", data={**form, "notes": "a\x00b"})
        assert answer.status_code == 422 and "notes" in answer.text


@pytest.mark.parametrize("value", TOO_BIG)
def test_an_id_beyond_range_is_refused_by_name_on_either_database(admin, value):
    assert_refused(admin.get(f"/api/v1/customers/{value}"), "customer_id")
    assert_refused(admin.delete(f"/api/v1/orders/1/payments/{value}"), "payment_id")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/customers?page={2**62}", "page"),
        (f"/api/v1/users?page={2**62}", "page"),
        (f"/api/v1/opportunities?page={2**62}", "page"),
        (f"/api/v1/actions/agenda?user_id={2**63}", "user_id"),
        (f"/api/v1/forecast?owner_id={2**63}", "owner_id"),
        (f"/api/v1/customers?view={2**31}", "view"),
    ],
)
def test_a_page_or_id_filter_beyond_range_is_refused_by_name(admin, url, field):
    assert_refused(admin.get(url), field)


def test_an_id_in_a_body_beyond_range_is_refused_by_name(admin):
    answer = admin.post("/api/v1/contacts", json={"name": "王", "customer_id": 2**63})
    assert_refused(answer, "customer_id")
    answer = admin.post("/api/v1/customer-groups", json={"name": "g"})
    group = answer.json()["id"]
    answer = admin.post(
        f"/api/v1/customer-groups/{group}/members", json={"customer_ids": [1, 2**63]}
    )
    assert_refused(answer, "customer_ids[1]")


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e309", "sNaN"])
def test_an_amount_that_is_no_number_is_refused_by_name(admin, runtime, amount):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    opportunity = {"name": "o", "customer_id": customer, "amount": amount}
    assert_refused(admin.post("/api/v1/opportunities", json=opportunity), "amount")
    product = {"code": "P1", "name": "p", "list_price": amount}
    assert_refused(admin.post("/api/v1/products", json=product), "list_price")


@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_a_line_figure_too_large_to_round_is_refused_by_name(admin, field):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    line = {"description": "x", "quantity": "1", "unit_price": "1", field: "1e30"}
    answer = admin.post(
        "/api/v1/quotes", json={"title": "q", "customer_id": customer, "lines": [line]}
    )
    assert_refused(answer, f"lines[0].{field}")


def test_a_body_nested_a_hundred_thousand_deep_is_a_400(admin):
    answer = admin.post(
        "/api/v1/customers", content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "bad_request"


def test_a_text_body_sent_to_a_json_operation_is_a_415(admin):
    answer = admin.post(
        "/api/v1/customers", content=b'{"name": "Acme"}', headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 415, answer.text
    assert answer.json()["code"] == "unsupported_media_type"
    assert admin.get("/api/v1/customers").json()["total"] == 0


def test_an_unknown_dedupe_policy_is_refused_by_name(admin):
    assert_refused(admin.get("/api/v1/imports/1/preview", params={"dedupe": "00"}), "dedupe")


def test_nul_characters_are_refused_by_name_in_bodies_queries_and_forms(app, admin, runtime):
    assert_refused(admin.post("/api/v1/customers", json={"name": "A\x00B"}), "name")
    answer = admin.post("/api/v1/customers", json={"name": "ok", "ext": {"custom": {"k\x00": 1}}})
    assert_refused(answer, "ext.custom.k")
    assert_refused(admin.get("/api/v1/customers", params={"q": "a\x00"}), "q")
    assert admin.get("/api/v1/customers").json()["total"] == 0


def test_nul_characters_are_refused_on_every_write_path(runtime):
    from kht.auth.principal import load_principal
    from kht.customers.schemas import CustomerCreate, CustomerUpdate
    from kht.customers.service import create_customer, update_customer
    from kht.errors import ValidationError

    boss = add_user(runtime, "boss", "administrator")
    customer = customer_of(runtime, boss)
    with pytest.raises(ValidationError) as refused, runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, boss)
        update_customer(ctx, customer, CustomerUpdate(version=1, notes="a\x00b"))
    assert refused.value.field == "notes"
    with pytest.raises(ValidationError) as refused, runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, boss)
        create_customer(ctx, CustomerCreate(name="x\x00"))
    assert refused.value.field == "name"


def test_restoring_a_live_record_is_a_conflict_but_a_missing_one_is_not_found(admin):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    answer = admin.post(f"/api/v1/customers/{customer}/restore")
    assert answer.status_code == 409, answer.text
    assert admin.post(f"/api/v1/customers/{customer + 1}/restore").status_code == 404
    assert admin.delete(f"/api/v1/customers/{customer}").status_code == 204
    assert admin.post(f"/api/v1/customers/{customer}/restore").status_code == 200


def test_restoring_a_live_record_out_of_scope_looks_missing(app, runtime):
    from kht.testing import bearer

    owner = add_user(runtime, "rep", "sales_rep", department="East")
    add_user(runtime, "other", "sales_rep", department="West")
    customer = customer_of(runtime, owner)
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "other"))
        assert client.post(f"/api/v1/customers/{customer}/restore").status_code == 404


def test_an_export_names_its_charset_once(admin):
    admin.post("/api/v1/customers", json={"name": "Acme"})
    answer = admin.get("/api/v1/customers/export")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"


def test_the_openapi_document_describes_the_error_body_kht_sends(admin):
    document = admin.get("/api/schema/openapi.json").json()
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"status", "code", "message", "field"}
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) > 150
    for operation in operations:
        for status in ("400", "401", "403", "404", "409", "415", "422"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert "status_code" not in str(document)
    # ...and it is the body an error really has
    answer = admin.post("/api/v1/customers", json={"name": ""})
    assert set(answer.json()) == set(error["properties"])


@pytest.mark.parametrize(("type_", "value"), [("money", "1e30"), ("number", "1e309")])
def test_a_custom_figure_too_large_is_refused_by_name(admin, type_, value):
    field = {"kind": "customer", "name": "size", "type": type_, "label_zh": "规模"}
    assert (
        admin.post("/api/v1/custom-fields", json={**field, "label_en": "Size"}).status_code == 201
    )
    body = {"name": "Acme", "ext": {"custom": {"size": value}}}
    assert_refused(admin.post("/api/v1/customers", json=body), "ext.custom.size")
