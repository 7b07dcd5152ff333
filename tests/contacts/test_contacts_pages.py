"""Contact pages: list with filters, new-contact form, detail with edit and move, the panel."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.contacts.plugin import kht_record_panels
from kht.customers.service import get_customer
from kht.testing import csrf_token, log_in
from kht.web.i18n import translations


@pytest.fixture
def acme(office) -> int:
    return office.customer_of("rep", "清华同方威视技术股份有限公司")


@pytest.fixture
def browser(office):
    with TestClient(office.app) as client:
        log_in(client, "rep")
        yield client


def post(client, url, data):
    return client.post(
        url, data={**data, "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


def create(client, customer_id, **values):
    response = post(client, "/contacts", {"customer_id": str(customer_id), **values})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_the_menu_has_contacts(browser):
    page = browser.get("/contacts").text
    assert 'data-menu="contacts"' in page
    assert "联系人" in page


def test_a_contact_is_created_through_the_form_and_shown(browser, acme):
    form = browser.get(f"/contacts/new?customer_id={acme}").text
    assert re.search(rf'<option value="{acme}" selected>', form)
    contact_id = create(
        browser,
        acme,
        name="王建国",
        title="采购总监",
        role="decision_maker",
        influence="high",
        attitude="supportive",
        mobile="13901012345",
        birthday="1975-03-08",
    )
    page = browser.get(f"/contacts/{contact_id}").text
    assert "王建国" in page
    assert "采购总监" in page
    assert "决策者" in page  # the role, in the reader's language
    assert "清华同方威视技术股份有限公司" in page
    assert 'name="version" value="1"' in page


def test_bad_form_input_shows_the_form_again_naming_the_field(office, browser, acme):
    response = post(
        browser, "/contacts", {"customer_id": str(acme), "name": "王建国", "email": "nope"}
    )
    assert response.status_code == 422
    assert 'data-error-for="email"' in response.text
    assert 'value="王建国"' in response.text  # what was typed is kept
    with office.client("rep") as client:
        assert client.get("/api/v1/contacts").json()["total"] == 0


def test_a_customer_out_of_scope_is_refused_in_the_form(office, browser):
    theirs = office.customer_of("other_rep", "Northwind Traders Ltd.")
    response = post(browser, "/contacts", {"customer_id": str(theirs), "name": "x"})
    assert response.status_code == 422
    assert 'data-error-for="customer_id"' in response.text
    assert "Northwind" not in response.text  # not even offered in the picker


def test_the_list_filters_and_sorts_through_the_query_string(browser, acme):
    create(browser, acme, name="Alice", role="decision_maker")
    create(browser, acme, name="Bob", role="user")
    create(browser, acme, name="Carol", role="decision_maker")
    deciders = browser.get("/contacts?f=role:eq:decision_maker&sort=-name").text
    names = re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', deciders)
    assert names == ["Carol", "Alice"]
    assert '"field": "role", "op": "eq", "value": "decision_maker"' in deciders.replace(
        "&#34;", '"'
    )
    searched = browser.get("/contacts?q=Bob").text
    assert re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', searched) == ["Bob"]
    assert browser.get("/contacts?f=role:eq:boss").status_code == 422


def test_editing_saves_and_a_stale_form_gets_the_409_page(browser, acme):
    contact_id = create(browser, acme, name="王建国")
    fields = {"name": "王建国", "title": "总经理", "role": "decision_maker", "version": "1"}
    saved = post(browser, f"/contacts/{contact_id}", fields)
    stale = post(browser, f"/contacts/{contact_id}", {**fields, "title": "董事长"})
    page = browser.get(f"/contacts/{contact_id}").text
    assert saved.status_code == 303
    assert stale.status_code == 409
    assert "总经理" in page
    assert "董事长" not in page


def test_moving_through_the_page_shows_in_the_history(office, browser, acme):
    other = office.customer_of("rep", "上海华东电器集团有限公司")
    contact_id = create(browser, acme, name="陈志强")
    moved = post(
        browser, f"/contacts/{contact_id}/move", {"customer_id": str(other), "version": "1"}
    )
    page = browser.get(f"/contacts/{contact_id}").text
    assert moved.status_code == 303
    assert page.count('data-history-action="') == 2
    assert "<del>清华同方威视技术股份有限公司</del> → <ins>上海华东电器集团有限公司</ins>" in page
    assert "上海华东电器集团有限公司" in page


def test_another_reps_contact_page_is_not_found(office, browser):
    theirs = office.customer_of("other_rep", "Northwind Traders Ltd.")
    with office.client("other_rep") as client:
        contact = client.post(
            "/api/v1/contacts", json={"customer_id": theirs, "name": "Margaret"}
        ).json()
    assert browser.get(f"/contacts/{contact['id']}").status_code == 404


def test_the_customer_panel_lists_its_contacts_with_an_add_link(office, browser, acme):
    create(browser, acme, name="王建国", mobile="13901012345")
    with office.runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, office.users["rep"])
        [panel] = kht_record_panels(ctx=ctx, kind="customer", record=get_customer(ctx, acme))
        assert kht_record_panels(ctx=ctx, kind="lead", record=None) is None
    assert panel.template == "contacts/panel.html"
    env = office.app.template_engine.engine
    html = env.get_template(panel.template).render(
        panel=panel, _=translations("zh_CN").gettext, lang="zh_CN"
    )
    assert "王建国" in html
    assert "13901012345" in html
    assert f'href="/contacts/new?customer_id={acme}"' in html
