"""The proof of extension: a plugin outside `plugins/` extends the running app via hooks only."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, bearer, log_in, runtime_of
from tests.conftest import BROKEN_PLUGIN, EXT_PLUGIN


@pytest.fixture
def client(kht_app):
    """An administrator's client: API calls carry a bearer token, pages a login session."""
    app = kht_app(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(runtime, "boss"))
        log_in(test_client, "boss")
        yield test_client


def test_the_plugin_field_is_accepted_validated_and_returned(client):
    created = client.post(
        "/api/v1/customers", json={"name": "Acme", "ext": {"ext_plugin": {"vip_level": "gold"}}}
    )
    assert created.status_code == 201
    assert created.json()["ext"] == {"ext_plugin": {"vip_level": "gold"}}
    refused = client.post(
        "/api/v1/customers", json={"name": "Acme", "ext": {"ext_plugin": {"vip_level": "platinum"}}}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "ext.ext_plugin.vip_level"


def test_the_plugin_field_shows_as_a_column_in_the_customer_list(client):
    client.post(
        "/api/v1/customers", json={"name": "Acme", "ext": {"ext_plugin": {"vip_level": "gold"}}}
    )
    page = client.get("/customers")
    assert "VIP 等级" in page.text and "gold" in page.text


def test_the_event_listener_writes_in_the_same_transaction(client):
    customer = client.post("/api/v1/customers", json={"name": "Acme"}).json()
    visits = client.get("/api/v1/ext_plugin/visits").json()
    assert visits == {
        "items": [{"customer_id": customer["id"], "note": "welcome Acme"}],
        "total": 1,
    }


def test_a_failing_listener_rolls_the_whole_change_back(client):
    answer = client.post("/api/v1/customers", json={"name": "explode"})
    assert answer.status_code == 500
    assert client.get("/api/v1/customers", params={"q": "explode"}).json()["total"] == 0
    assert client.get("/api/v1/ext_plugin/visits").json()["total"] == 0


def test_plugin_validation_problems_refuse_the_write(client):
    answer = client.post("/api/v1/customers", json={"name": "spam offer"})
    assert answer.status_code == 422
    assert answer.json()["field"] == "name" and "spam" in answer.json()["message"]


def test_the_menu_item_and_the_plugin_page_with_its_own_template(client):
    client.post("/api/v1/customers", json={"name": "Acme"})
    home = client.get("/")
    assert 'data-menu="ext_visits"' in home.text and "拜访记录" in home.text
    page = client.get("/ext_plugin/visits")
    assert page.status_code == 200
    assert 'id="visit-count">1<' in page.text
    assert 'data-menu="home"' in page.text  # extends the core layout via core:base.html


def test_the_route_is_in_the_openapi_document(client):
    assert "/api/v1/ext_plugin/visits" in client.get("/api/schema/openapi.json").json()["paths"]


def test_disabling_the_plugin_removes_its_routes_menu_and_hooks(kht_runtime):
    from kht import plugins as plugin_manager
    from kht.web import create_app

    runtime = kht_runtime(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    plugin_manager.disable(runtime.engine, runtime.found, "ext_plugin")
    add_user(runtime, "boss", "administrator")
    app = create_app(runtime.settings, engine=runtime.engine)
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "boss"))
        log_in(client, "boss")
        assert client.get("/api/v1/ext_plugin/visits").status_code == 404
        assert 'data-menu="ext_visits"' not in client.get("/").text
        created = client.post("/api/v1/customers", json={"name": "Acme"})
        assert created.status_code == 201
        refused = client.post(
            "/api/v1/customers", json={"name": "B", "ext": {"ext_plugin": {"vip_level": "gold"}}}
        )
        assert refused.status_code == 422


def test_the_app_starts_without_a_plugin_that_fails_to_import(kht_app):
    app = kht_app(plugins=["ext_plugin"], extra=[EXT_PLUGIN, BROKEN_PLUGIN])
    add_user(runtime_of(app), "boss", "administrator")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime_of(app), "boss"))
        log_in(client, "boss")
        assert client.get("/").status_code == 200
        assert client.get("/api/v1/ext_plugin/visits").status_code == 200
    assert BROKEN_PLUGIN in app.state.plugins.failed


def test_a_plugin_declares_a_permission_module_roles_can_grant(kht_app):
    app = kht_app(plugins=["ext_plugin"], extra=[EXT_PLUGIN])
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "boss"))
        roles = client.get("/api/v1/roles").json()["items"]
        rep = next(role for role in roles if role["key"] == "sales_rep")
        grants = {**rep["grants"], "ext_plugin": {"ops": ["view"], "scope": "own"}}
        changed = client.patch(f"/api/v1/roles/{rep['id']}", json={"grants": grants})
        assert changed.status_code == 200
        assert changed.json()["grants"]["ext_plugin"] == {"ops": ["view"], "scope": "own"}
        unknown = client.patch(
            f"/api/v1/roles/{rep['id']}",
            json={"grants": {**grants, "spaceships": {"ops": ["view"]}}},
        )
        assert unknown.status_code == 422 and unknown.json()["field"] == "grants.spaceships"
