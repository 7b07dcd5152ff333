"""The shared record pages (kht.recordpages) as every declared kind gets them: list, form
(new, edit, stale 409, bad input 422), detail page and history, in Chinese and English with
labels from the kind's declaration — shown here on the core kinds that moved onto them."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.contacts.views import SPEC as CONTACTS
from kht.leads.views import SPEC as LEADS
from kht.recordpages.views import kind_routes
from kht.testing import csrf_token, log_in


def _browser(office, login: str, language: str = "zh_CN") -> TestClient:
    client = TestClient(office.app)
    log_in(client, login)
    if language != "zh_CN":
        client.post(
            "/account/language", data={"language": language, "_csrf_token": csrf_token(client)}
        )
    return client


def _post(client, url, data):
    return client.post(
        url, data={**data, "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


@pytest.fixture
def rep(office):
    with _browser(office, "rep") as client:
        yield client


@pytest.fixture
def contact(office, rep) -> int:
    customer = office.customer_of("rep", "清华同方威视技术股份有限公司")
    created = _post(
        rep,
        "/contacts",
        {"customer_id": str(customer), "name": "王建国", "role": "decision_maker"},
    )
    assert created.status_code == 303, created.text
    return int(created.headers["location"].rsplit("/", 1)[1])


def test_a_kind_with_pages_gets_the_list_form_detail_and_delete_urls():
    paths = {
        (path, tuple(sorted(handler.http_methods)))
        for handler in kind_routes(LEADS)
        for path in handler.paths
    }
    assert paths == {
        ("/leads", ("GET",)),
        ("/leads/new", ("GET",)),
        ("/leads", ("POST",)),
        ("/leads/new", ("POST",)),
        ("/leads/{lead_id:int}", ("GET",)),
        ("/leads/{lead_id:int}/edit", ("GET",)),
        ("/leads/{lead_id:int}", ("POST",)),
        ("/leads/{lead_id:int}/edit", ("POST",)),
        ("/leads/{lead_id:int}/delete", ("POST",)),
    }


def test_the_edit_page_saves_and_a_stale_form_says_reload_keeping_the_input(rep, contact):
    edit = rep.get(f"/contacts/{contact}/edit")
    assert edit.status_code == 200
    assert 'name="version" value="1"' in edit.text
    form = {"name": "王建国", "title": "总经理", "version": "1"}
    saved = _post(rep, f"/contacts/{contact}/edit", form)
    stale = _post(rep, f"/contacts/{contact}/edit", {**form, "title": "董事长"})
    assert saved.status_code == 303
    assert stale.status_code == 409
    assert 'id="stale-warning"' in stale.text and "重新加载" in stale.text
    assert 'value="董事长"' in stale.text  # what was typed is not lost
    assert "董事长" not in rep.get(f"/contacts/{contact}").text


def test_a_stale_edit_on_the_record_page_shows_the_warning_there(rep):
    lead = _post(rep, "/leads", {"name": "A", "company": "X"}).headers["location"]
    assert _post(rep, lead, {"name": "A", "company": "Y", "version": "1"}).status_code == 303
    stale = _post(rep, lead, {"name": "A", "company": "Z", "version": "1"})
    assert stale.status_code == 409
    assert 'id="stale-warning"' in stale.text
    assert 'id="lead-edit-form"' in stale.text and 'value="Z"' in stale.text


def test_bad_input_is_shown_next_to_its_field_on_either_form(rep, contact):
    on_page = _post(
        rep, f"/contacts/{contact}", {"name": "王建国", "email": "nope", "version": "1"}
    )
    on_form = _post(
        rep, f"/contacts/{contact}/edit", {"name": "王建国", "email": "nope", "version": "1"}
    )
    for answer in (on_page, on_form):
        assert answer.status_code == 422
        assert 'data-error-for="email"' in answer.text
        assert 'value="nope"' in answer.text


@pytest.mark.parametrize(
    ("language", "role", "label", "history"),
    [("zh_CN", "决策者", "职务", "修改"), ("en", "Decision maker", "Title", "Changed")],
)
def test_pages_show_labels_from_the_declaration_never_raw_keys(
    office,
    contact,
    language,
    role,
    label,
    history,
):
    with _browser(office, "rep", language) as client:
        _post(client, f"/contacts/{contact}", {"name": "王建国", "title": "总经理", "version": "1"})
        page = client.get(f"/contacts/{contact}").text
        form = client.get(f"/contacts/{contact}/edit").text
    assert f'data-contact-role="decision_maker">{role}<' in page
    assert f'<option value="decision_maker" selected>{role}</option>' in form
    changed = page.split(f'data-history-action="{history}"')[1]
    assert re.search(rf"{label}</th><td><del>—</del> → <ins>总经理</ins>", changed)
    for raw in (">decision_maker<", ">medium<", ">unknown<", ">title<"):
        assert raw not in page and raw not in form


def test_the_new_button_and_form_are_for_those_who_may_create(office):
    with _browser(office, "rep") as rep, _browser(office, "boss") as boss:
        assert 'href="/products/new"' not in rep.get("/products").text
        assert rep.get("/products/new").status_code == 403
        assert 'href="/products/new"' in boss.get("/products").text
        assert 'href="/contacts/new"' in rep.get("/contacts").text


def test_deleting_from_the_record_page_moves_the_record_to_the_recycle_bin(office, rep, contact):
    assert 'id="contact-delete-form"' not in rep.get(f"/contacts/{contact}").text  # may not
    with _browser(office, "boss") as boss:
        assert 'id="contact-delete-form"' in boss.get(f"/contacts/{contact}").text
        assert _post(boss, f"/contacts/{contact}/delete", {}).headers["location"] == "/contacts"
        assert boss.get(f"/contacts/{contact}").status_code == 404
        assert "王建国" in boss.get("/contacts", params={"deleted": "1"}).text


def test_a_record_out_of_scope_has_no_page_and_no_form(office, contact):
    with _browser(office, "other_rep") as other:
        for url in (f"/contacts/{contact}", f"/contacts/{contact}/edit"):
            assert other.get(url).status_code == 404
        stale = _post(other, f"/contacts/{contact}/edit", {"name": "x", "version": "1"})
        assert stale.status_code == 404
    assert CONTACTS.pages is not None and CONTACTS.pages.edit_on_page
