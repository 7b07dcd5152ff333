"""The customer detail page: fields, custom-field values, history, and the data scope."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.auth.handover import hand_over
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.db.custom_fields import CustomField
from kht.testing import add_user, bearer, log_in, runtime_of


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "boss", "administrator")
    add_user(runtime, "rep", "sales_rep", department="Sales")
    add_user(runtime, "other", "sales_rep", department="Sales")
    with runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind="customer", name="industry", type="text", label_zh="行业", label_en="Industry"
            )
        )
    return app


def api_of(app, login) -> TestClient:
    client = TestClient(app)
    client.headers.update(bearer(runtime_of(app), login))
    return client


def browser(app, login) -> TestClient:
    client = TestClient(app)
    log_in(client, login)
    return client


@pytest.fixture
def acme(app) -> dict:
    """A customer of `rep`, changed once through the API."""
    api = api_of(app, "rep")
    created = api.post(
        "/api/v1/customers",
        json={"name": "Acme 清华同方", "phone": "010-1", "ext": {"custom": {"industry": "医疗"}}},
    ).json()
    changed = api.patch(
        f"/api/v1/customers/{created['id']}",
        json={
            "version": created["version"],
            "phone": "010-2",
            "ext": {"custom": {"industry": "能源"}},
        },
    )
    assert changed.status_code == 200
    return changed.json()


def test_the_detail_page_shows_the_fields_custom_values_and_owner(app, acme):
    page = browser(app, "rep").get(f"/customers/{acme['id']}")
    assert page.status_code == 200
    assert 'id="customer-name">Acme 清华同方' in page.text
    assert "010-2" in page.text
    assert re.search(r'data-field="ext.custom.industry">能源<', page.text)
    assert "行业" in page.text
    assert 'id="customer-owner">Rep (rep)<' in page.text


def test_the_history_lists_who_changed_what_from_old_to_new(app, acme):
    page = browser(app, "rep").get(f"/customers/{acme['id']}")
    history = page.text.split('id="history"')[1]
    actions = re.findall(r'data-history-action="([^"]+)"', history)
    assert actions == ["修改", "创建"]  # newest first
    changed = history.split('data-history-action="修改"')[1].split("data-history-action")[0]
    assert "Rep (rep)" in changed
    assert re.search(r"电话</th><td><del>010-1</del> → <ins>010-2</ins>", changed)
    assert re.search(r"行业</th><td><del>医疗</del> → <ins>能源</ins>", changed)


def test_a_hand_over_shows_as_an_owner_change_in_the_history(app, acme):
    runtime = runtime_of(app)
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        hand_over(ctx, find_user(ctx.session, "rep").id, None)
    page = browser(app, "boss").get(f"/customers/{acme['id']}")
    assert re.search(r"负责人</th><td><del>Rep \(rep\)</del> → <ins>公海</ins>", page.text)
    assert 'id="customer-owner">公海<' in page.text


def test_the_customer_list_links_each_name_to_its_page(app, acme):
    page = browser(app, "rep").get("/customers")
    assert f'<a href="/customers/{acme["id"]}">Acme 清华同方</a>' in page.text


def test_another_reps_customer_is_not_found(app, acme):
    page = browser(app, "other").get(f"/customers/{acme['id']}")
    assert page.status_code == 404
    assert "Acme" not in page.text and "Traceback" not in page.text


def test_a_missing_customer_is_not_found(app):
    assert browser(app, "boss").get("/customers/999999").status_code == 404


def test_the_page_speaks_english_to_an_english_user(app, acme):
    client = browser(app, "rep")
    client.post(
        "/account/language", data={"language": "en", "_csrf_token": client.cookies["kht_csrf"]}
    )
    page = client.get(f"/customers/{acme['id']}")
    assert "History" in page.text and "Changed" in page.text
    assert re.search(r"Industry</th><td><del>医疗</del>", page.text)


def test_panels_and_buttons_of_other_modules_appear_on_the_page(app, acme):
    page = browser(app, "rep").get(f"/customers/{acme['id']}")
    assert 'id="panel-timeline"' in page.text  # the actions module's timeline
    assert 'data-action="release"' in page.text  # the pool module's button for the owner


def test_a_new_customer_shows_no_previous_owner(app, acme):
    page = browser(app, "rep").get(f"/customers/{acme['id']}")
    created = page.text.split('data-history-action="创建"')[1]
    assert re.search(r"负责人</th><td><del>—</del> → <ins>Rep \(rep\)</ins>", created)
