"""Customer pages: the list (filters, columns, views, bulk), forms with custom fields and
version checks, the printable profile and its PDF."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.db.custom_fields import CustomField
from kht.testing import add_user, bearer, csrf_token, log_in, runtime_of


@pytest.fixture
def app(kht_app):
    app = kht_app()
    runtime = runtime_of(app)
    add_user(runtime, "mgr", "sales_manager", department="Sales")
    add_user(runtime, "rep", "sales_rep", department="Sales")
    with runtime.ctx() as ctx:
        ctx.session.add(
            CustomField(
                kind="customer",
                name="level",
                type="single_choice",
                label_zh="等级",
                label_en="Level",
                choices=["A", "B"],
                required=True,
                position=1,
                help="",
                active=True,
            )
        )
    return app


@pytest.fixture
def browser(app):
    with TestClient(app) as client:
        log_in(client, "mgr")
        yield client


def create(browser, **fields):
    data = {
        "_csrf_token": csrf_token(browser),
        "name": "清华同方",
        "kind": "company",
        "ext.custom.level": "A",
        **fields,
    }
    return browser.post("/customers/new", data=data, follow_redirects=False)


def test_creating_a_customer_with_a_custom_field_through_the_form(browser):
    answer = create(browser)
    assert answer.status_code == 303
    page = browser.get(answer.headers["location"])
    assert "清华同方" in page.text and "等级" in page.text


def test_a_missing_required_custom_field_re_renders_the_form_with_the_error(browser):
    answer = create(browser, **{"ext.custom.level": "", "name": "没有等级"})
    assert answer.status_code == 422
    assert 'value="没有等级"' in answer.text and "ext.custom.level is required" in answer.text


def test_a_stale_edit_form_gets_409_and_keeps_the_input(browser):
    customer_url = create(browser).headers["location"]
    edit_url = f"{customer_url}/edit"
    form = {
        "_csrf_token": csrf_token(browser),
        "name": "新名字",
        "kind": "company",
        "ext.custom.level": "B",
        "version": "1",
    }
    assert browser.post(edit_url, data=form, follow_redirects=False).status_code == 303
    stale = browser.post(edit_url, data={**form, "name": "另一个名字"})
    assert stale.status_code == 409 and 'id="stale-warning"' in stale.text
    assert 'value="另一个名字"' in stale.text
    assert "新名字" in browser.get(customer_url).text


def test_the_list_filters_on_a_custom_field_and_chooses_columns(browser):
    create(browser, name="甲公司", **{"ext.custom.level": "A"})
    create(browser, name="乙公司", **{"ext.custom.level": "B"})
    page = browser.get(
        "/customers", params={"f": "ext.custom.level:eq:B", "c": "name,ext.custom.level"}
    )
    assert page.status_code == 200
    assert "乙公司" in page.text and "甲公司" not in page.text
    assert 'id="list-total">1<' in page.text and ">等级" in page.text
    bad = browser.get("/customers", params={"f": "ext.custom.level:eq:Z"})
    assert bad.status_code == 422


def test_bulk_tagging_from_the_list_and_saving_a_view(browser, app):
    first = create(browser, name="甲公司").headers["location"].rsplit("/", 1)[1]
    second = create(browser, name="乙公司").headers["location"].rsplit("/", 1)[1]
    token = csrf_token(browser)
    done = browser.post(
        "/lists/bulk/customer",
        data={
            "_csrf_token": token,
            "action": "tag",
            "tag": "展会",
            "ids": [first, second],
            "back": "/customers",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    tagged = browser.get("/customers", params={"f": "tag:eq:展会"})
    assert "甲公司" in tagged.text and "乙公司" in tagged.text
    saved = browser.post(
        "/lists/views",
        data={
            "_csrf_token": token,
            "kind": "customer",
            "name": "展会客户",
            "f": "tag:eq:展会",
            "back": "/customers",
            "sort": "name",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "view=" in saved.headers["location"]
    view_page = browser.get(saved.headers["location"])
    assert "展会客户" in view_page.text and "甲公司" in view_page.text
    nothing = browser.post(
        "/lists/bulk/customer", data={"_csrf_token": token, "action": "tag", "tag": "x"}
    )
    assert nothing.status_code == 422


def test_the_print_view_and_the_pdf(browser):
    customer_url = create(browser).headers["location"]
    printable = browser.get(f"{customer_url}/print")
    assert printable.status_code == 200 and "@page" in printable.text
    assert "客户档案" in printable.text
    pdf = browser.get(f"{customer_url}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_rep_cannot_open_the_forms_of_someone_elses_customer(app, browser):
    customer_url = create(browser).headers["location"]
    with TestClient(app) as rep:
        log_in(rep, "rep")
        assert rep.get(f"{customer_url}/edit").status_code == 404
        assert rep.get(f"{customer_url}/pdf").status_code == 404
        with TestClient(app) as api:
            api.headers.update(bearer(runtime_of(app), "rep"))
            assert api.get("/api/v1/customers").json()["total"] == 0
