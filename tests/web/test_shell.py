"""The web shell: pages, menu, languages, health, errors, OpenAPI, no outside URLs."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.testing import add_user, bearer, csrf_token, log_in, runtime_of
from kht.web.i18n import negotiate

OUTSIDE = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
LOCAL_URL = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@pytest.fixture
def client(kht_app):
    """A browser-like client logged in as an administrator, speaking Chinese by default."""
    app = kht_app()
    add_user(runtime_of(app), "boss", "administrator")
    with TestClient(app) as test_client:
        log_in(test_client, "boss")
        yield test_client


@pytest.fixture
def api(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as test_client:
        test_client.headers.update(bearer(runtime, "boss"))
        yield test_client


def test_home_page_renders_the_layout_and_the_core_menu(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-menu="home"' in page.text
    assert 'data-menu="customers"' in page.text
    assert "首页" in page.text  # Chinese by default


def test_accept_language_picks_english_for_anonymous_visitors(kht_app):
    with TestClient(kht_app()) as client:
        page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
        assert "Log in" in page.text
        page = client.get("/login", headers={"Accept-Language": "zh-CN"})
        assert "登录" in page.text


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9", "zh_CN"),
        ("zh", "zh_CN"),
        ("en-GB", "en"),
        ("fr-FR", "zh_CN"),
        ("", "zh_CN"),
        ("*", "zh_CN"),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert negotiate(header, "zh_CN") == expected


def test_switching_language_sets_a_cookie_and_changes_the_menu(client):
    token = csrf_token(client)
    answer = client.post(
        "/language",
        data={"language": "en", "next": "/customers", "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == "/customers"
    page = client.get("/customers")
    assert "Customers" in page.text and "客户" not in page.text.split("<main")[0]


def test_switching_language_without_the_csrf_token_is_refused(client):
    client.get("/")
    answer = client.post("/language", data={"language": "en"})
    assert answer.status_code == 403
    assert "Traceback" not in answer.text


def test_switching_to_an_unknown_language_is_a_clear_error(client):
    token = csrf_token(client)
    answer = client.post("/language", data={"language": "xx", "_csrf_token": token})
    assert answer.status_code == 422
    assert "language must be zh_CN or en" in answer.text


def test_language_switch_never_redirects_off_site(client):
    token = csrf_token(client)
    answer = client.post(
        "/language",
        data={"language": "en", "next": "//evil.example/", "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_healthz_checks_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(kht_app):
    app = kht_app(fresh=True)
    from sqlalchemy import create_engine

    app.state.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with TestClient(app) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "error"


def test_unknown_ui_page_is_a_friendly_404(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "<html" in page.text and "Traceback" not in page.text


def test_api_errors_share_one_json_shape(api):
    client = api
    answer = client.get("/api/v1/customers/999999")
    assert answer.status_code == 404
    assert answer.json() == {
        "status": 404,
        "code": "not_found",
        "message": "customer 999999 not found",
        "field": None,
    }
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404
    assert set(answer.json()) == {"status", "code", "message", "field"}


def test_unhandled_errors_are_logged_and_never_shown(kht_app, caplog):
    from litestar import get

    from kht.web import app as app_module

    @get("/api/v1/boom", sync_to_thread=True)
    def boom() -> None:
        raise RuntimeError("secret internals")

    app = kht_app(fresh=True)
    app.register(boom)
    add_user(runtime_of(app), "boss", "administrator")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime_of(app), "boss"))
        answer = client.get("/api/v1/boom")
    assert answer.status_code == 500
    assert "secret internals" not in answer.text
    assert answer.json()["code"] == "server_error"
    assert any("unhandled error" in r.message for r in caplog.records)
    assert app_module  # the factory module is what wires the handlers


def test_openapi_document_and_docs_page_are_served_locally(client):
    spec = client.get("/api/schema/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/customers" in spec.json()["paths"]
    docs = client.get("/api/schema")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui-dist@" in docs.text
    assert '<script src="/static/swagger-init.js">' in docs.text  # no inline script
    assert "validatorUrl: null" in client.get("/static/swagger-init.js").text


@pytest.mark.parametrize(
    "path", ["/", "/customers", "/api/schema", "/api/schema/swagger", "/no/such/page"]
)
def test_no_page_references_an_outside_url(client, path):
    page = client.get(path)
    for url in LOCAL_URL.findall(page.text):
        assert url.startswith(("/", "#", "data:", "?")), f"{path} references {url}"
    assert OUTSIDE.findall(page.text) == [], f"{path} mentions an outside address"


def test_every_vendored_file_a_page_references_exists(client):
    for path in ("/", "/api/schema"):
        for url in LOCAL_URL.findall(client.get(path).text):
            if url.startswith("/static/"):
                assert client.get(url).status_code == 200, url


def test_get_requests_never_commit(client):
    """GET runs in a transaction that is always rolled back, so no GET can change data."""
    from kht.web.deps import SAFE_METHODS

    assert "GET" in SAFE_METHODS and "POST" not in SAFE_METHODS


def test_every_menu_entry_of_the_core_and_every_pack_sits_in_a_named_section(kht_runtime):
    """A section the bar has no words for would show its key (it once showed `marketing`)."""
    from kht.plugin_types import MENU_SECTIONS
    from kht.testing import acting_as
    from kht.web.pages import menu_items

    packs = ("standard_product", "membership", "promotion", "project_sales", "key_account")
    runtime = kht_runtime(packs)
    add_user(runtime, "boss", None, is_admin=True)
    with acting_as(runtime, "boss") as ctx:
        items = menu_items(ctx)
    assert len(items) > 30
    assert {item.section for item in items if item.section} <= set(MENU_SECTIONS)
