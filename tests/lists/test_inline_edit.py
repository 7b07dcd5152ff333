"""Editing a list cell in place: the kind's own update, the version check, refusals beside it."""

from __future__ import annotations

import re
from html import unescape

import pytest

from kht.db.custom_fields import CustomField
from kht.testing import add_user, api_client, page_client, runtime_of


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "rep", "sales_rep", department="Sales")
    add_user(runtime, "other", "sales_rep", department="Sales")
    add_user(runtime, "marketer", "marketing")  # may view every customer, edit none
    with runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind="customer", name="budget", type="money", label_zh="预算", label_en="Budget"
            )
        )
    return app


@pytest.fixture
def acme(app) -> dict:
    with api_client(app, "rep") as api:
        return api.post("/api/v1/customers", json={"name": "清华同方", "phone": "010-1"}).json()


def customer(app, customer_id) -> dict:
    with api_client(app, "rep") as api:
        return api.get(f"/api/v1/customers/{customer_id}").json()


def save(page, customer_id, field, value, version):
    return page.post(
        f"/lists/cell/customer/{customer_id}/{field}",
        data={"inline_value": value, "inline_version": str(version)},
    )


def error_of(html: str) -> str:
    """The message the editor shows beside the cell."""
    found = re.search(r'class="[^"]*kht-inline-error[^"]*" role="alert">(.*?)</div>', html, re.S)
    return unescape(found.group(1)).strip() if found else ""


def pencils(html: str) -> set[str]:
    return set(re.findall(r'hx-get="/lists/cell/customer/\d+/([\w.]+)\?edit=1"', html))


def test_the_list_offers_an_editor_only_on_fields_the_user_may_edit(app, acme):
    with page_client(app, "rep", htmx=True) as page:
        html = page.get(
            "/customers",
            params={"c": "name,phone,email,stage,owner_id,updated_at,ext.custom.budget"},
        ).text
    # The name links to the record; stage moves through the lifecycle; owner, dates are kept.
    assert pencils(html) == {"phone", "email", "ext.custom.budget"}
    with page_client(app, "marketer", htmx=True) as page:
        html = page.get("/customers", params={"c": "name,phone,email"}).text
    assert "清华同方" in html and pencils(html) == set()


def test_a_cell_is_saved_through_the_service_with_its_version(app, acme):
    with page_client(app, "rep", htmx=True) as page:
        editor = page.get(f"/lists/cell/customer/{acme['id']}/phone", params={"edit": "1"})
        assert editor.status_code == 200
        assert 'name="inline_value"' in editor.text and 'value="010-1"' in editor.text
        assert f'name="inline_version" value="{acme["version"]}"' in editor.text
        saved = save(page, acme["id"], "phone", "010-6278 0909", acme["version"])
        assert saved.status_code == 200, saved.text
        assert "010-6278 0909" in saved.text and "kht-edit" in saved.text
        budget = save(page, acme["id"], "ext.custom.budget", "1200.50", acme["version"] + 1)
        assert budget.status_code == 200, budget.text
    after = customer(app, acme["id"])
    assert after["phone"] == "010-6278 0909"
    assert after["ext"]["custom"]["budget"] in ("1200.50", 1200.5)
    assert after["version"] == acme["version"] + 2


def test_a_stale_version_says_someone_else_changed_it_and_saves_nothing(app, acme):
    with api_client(app, "rep") as api:
        api.patch(
            f"/api/v1/customers/{acme['id']}", json={"version": acme["version"], "phone": "021-9"}
        )
    with page_client(app, "rep", htmx=True) as page:
        stale = save(page, acme["id"], "phone", "010-2", acme["version"])
    assert stale.status_code == 409
    assert "someone else" in stale.text or "其他人" in stale.text
    assert 'class="kht-reload"' in stale.text
    assert 'value="010-2"' in stale.text, "what the user typed is kept"
    assert customer(app, acme["id"])["phone"] == "021-9"


def test_a_refused_value_is_a_422_shown_next_to_the_cell(app, acme):
    with page_client(app, "rep", htmx=True) as page:
        refused = save(page, acme["id"], "ext.custom.budget", "lots", acme["version"])
        assert refused.status_code == 422
        assert "ext.custom.budget must be an amount" in error_of(refused.text)
        too_long = save(page, acme["id"], "phone", "1" * 500, acme["version"])
        assert too_long.status_code == 422
        assert error_of(too_long.text) == "phone: Expected `str` of length <= 40"
        no_version = save(page, acme["id"], "phone", "010-3", "")
        assert no_version.status_code == 422 and "version" in no_version.text
    after = customer(app, acme["id"])
    assert after["version"] == acme["version"] and after["phone"] == "010-1"


@pytest.mark.parametrize("field", ["stage", "owner_id", "updated_at", "id", "version", "nope"])
def test_fields_the_user_may_not_edit_in_place_are_refused(app, acme, field):
    with page_client(app, "rep", htmx=True) as page:
        assert save(page, acme["id"], field, "x", acme["version"]).status_code == 403
        assert page.get(f"/lists/cell/customer/{acme['id']}/{field}?edit=1").status_code == 403
    assert customer(app, acme["id"])["version"] == acme["version"]


def test_users_without_edit_rights_or_out_of_scope_cannot_edit(app, acme):
    with page_client(app, "marketer", htmx=True) as page:
        assert save(page, acme["id"], "phone", "x", acme["version"]).status_code == 403
    with page_client(app, "other", htmx=True) as page:
        assert save(page, acme["id"], "phone", "x", acme["version"]).status_code == 404
    assert customer(app, acme["id"])["phone"] == "010-1"
