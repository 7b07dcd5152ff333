"""Lead pages: list by status, new-lead form, lead page with duplicates and clean-up buttons."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.testing import csrf_token, log_in


@pytest.fixture
def browser(office):
    with TestClient(office.app) as client:
        log_in(client, "rep")
        yield client


def post(client, url, data=None):
    return client.post(
        url, data={**(data or {}), "_csrf_token": csrf_token(client)}, follow_redirects=False
    )


def create(client, **values):
    response = post(client, "/leads", values)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def names_on(page):
    return re.findall(r'<a href="/leads/\d+">([^<]+)</a>', page)


def test_the_menu_has_leads_and_the_list_shows_status_tabs(browser):
    create(browser, name="Alpha")
    qualified = create(browser, name="Beta")
    post(browser, f"/leads/{qualified}/qualify", {"version": "1"})
    page = browser.get("/leads").text
    assert 'data-menu="leads"' in page
    assert "线索" in page
    assert sorted(names_on(page)) == ["Alpha", "Beta"]
    assert names_on(browser.get("/leads?status=qualified").text) == ["Beta"]
    assert names_on(browser.get("/leads?status=new&sort=name").text) == ["Alpha"]
    assert browser.get("/leads?status=hot").status_code == 422


def test_a_lead_is_created_through_the_form(browser):
    lead_id = create(browser, name="王建国", company="清华同方", source="展会", phone="13901012345")
    page = browser.get(f"/leads/{lead_id}").text
    assert "王建国" in page
    assert "清华同方" in page
    assert 'data-lead-status="new"' in page


def test_bad_form_input_is_shown_next_to_the_field(office, browser):
    response = post(browser, "/leads", {"name": "", "company": "Acme"})
    assert response.status_code == 422
    assert 'data-error-for="name"' in response.text
    assert 'value="Acme"' in response.text
    with office.client("rep") as client:
        assert client.get("/api/v1/leads").json()["total"] == 0


def test_the_lead_page_shows_look_alikes(office, browser):
    customer = office.customer_of("rep", "清华同方威视技术股份有限公司", phone="13901012345")
    lead_id = create(browser, name="王建国", company="清华同方威视技术 有限公司")
    page = browser.get(f"/leads/{lead_id}").text
    assert f'data-duplicate="customer-{customer}"' in page
    assert f'href="/customers/{customer}"' in page


def test_discard_needs_a_reason_and_can_be_reopened(browser):
    lead_id = create(browser, name="A")
    refused = post(browser, f"/leads/{lead_id}/discard", {"reason": " ", "version": "1"})
    done = post(browser, f"/leads/{lead_id}/discard", {"reason": "预算不足", "version": "1"})
    page = browser.get(f"/leads/{lead_id}").text
    assert refused.status_code == 422
    assert 'data-error-for="reason"' in refused.text
    assert done.status_code == 303
    assert 'data-lead-status="discarded"' in page
    assert "预算不足" in page
    assert 'id="qualify-form"' not in page  # a discarded lead cannot be qualified
    assert post(browser, f"/leads/{lead_id}/qualify", {"version": "2"}).status_code == 409
    assert post(browser, f"/leads/{lead_id}/reopen", {"version": "2"}).status_code == 303


def test_a_stale_edit_form_gets_the_409_page(office, browser):
    lead_id = create(browser, name="A")
    saved = post(browser, f"/leads/{lead_id}", {"name": "A", "company": "X", "version": "1"})
    stale = post(browser, f"/leads/{lead_id}", {"name": "A", "company": "Y", "version": "1"})
    assert saved.status_code == 303
    assert stale.status_code == 409
    with office.client("rep") as client:
        assert client.get(f"/api/v1/leads/{lead_id}").json()["company"] == "X"


def test_converting_through_the_form_leads_to_the_customer(office, browser):
    lead_id = create(browser, name="王建国", company="清华同方", phone="13901012345")
    form = browser.get(f"/leads/{lead_id}/convert").text
    assert 'id="convert-form"' in form
    done = post(
        browser,
        f"/leads/{lead_id}/convert",
        {"target": "new", "version": "1", "create_contact": "1"},
    )
    assert done.status_code == 303
    customer_id = int(done.headers["location"].rsplit("/", 1)[1])
    page = browser.get(f"/leads/{lead_id}").text
    assert 'data-lead-status="converted"' in page
    assert f'href="/customers/{customer_id}"' in page
    again = post(browser, f"/leads/{lead_id}/convert", {"target": "new", "version": "2"})
    assert again.status_code == 409
    with office.client("rep") as client:
        assert client.get(f"/api/v1/customers/{customer_id}/contacts").json()[0]["name"] == "王建国"


def test_converting_onto_an_existing_customer_through_the_form(office, browser):
    existing = office.customer_of("rep", "清华同方威视技术股份有限公司")
    lead_id = create(browser, name="王建国", company="清华同方威视技术有限公司")
    form = browser.get(f"/leads/{lead_id}/convert").text
    assert f'<option value="{existing}">' in form
    done = post(
        browser,
        f"/leads/{lead_id}/convert",
        {"target": "existing", "customer_id": str(existing), "version": "1"},
    )
    assert done.headers["location"] == f"/customers/{existing}"
    bad = create(browser, name="B")
    refused = post(
        browser, f"/leads/{bad}/convert", {"target": "existing", "customer_id": "", "version": "1"}
    )
    assert refused.status_code == 422
    assert 'id="convert-error"' in refused.text


def test_another_reps_lead_page_is_not_found(office, browser):
    theirs = office.lead_of("other_rep", name="B")
    assert browser.get(f"/leads/{theirs['id']}").status_code == 404
    assert browser.get(f"/leads/{theirs['id']}/convert").status_code == 404
