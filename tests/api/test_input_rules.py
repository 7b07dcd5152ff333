"""Input that used to be saved and then lost or dangerous: malformed emails, undated plans,
script links. Refused with a 422 naming the field on every path (API, form, import)."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.testing import csrf_token, log_in
from tests.api.test_bad_input import assert_refused
from tests.importing.conftest import csv_bytes, run, upload, world  # noqa: F401

BAD_EMAILS = ["bad-email", "a@b", "two@@example.com", "a b@example.com", "x@localhost"]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_a_malformed_email_is_refused_by_name_through_the_api(admin, email):
    assert_refused(admin.post("/api/v1/customers", json={"name": "A", "email": email}), "email")
    assert_refused(admin.post("/api/v1/leads", json={"name": "L", "email": email}), "email")
    customer = admin.post("/api/v1/customers", json={"name": "Ok"}).json()
    contact = {"name": "C", "customer_id": customer["id"], "email": email}
    assert_refused(admin.post("/api/v1/contacts", json=contact), "email")
    patch = {"version": customer["version"], "email": email}
    assert_refused(admin.patch(f"/api/v1/customers/{customer['id']}", json=patch), "email")


def test_real_addresses_are_kept_as_typed(admin):
    for email in ["wang.jg@Example.CN", "张三@例子.中国", ""]:
        answer = admin.post("/api/v1/customers", json={"name": "A", "email": email})
        assert answer.status_code == 201, answer.text
        assert answer.json()["email"] == email


def test_a_malformed_email_is_refused_in_the_customer_form(app, runtime):
    from kht.testing import add_user

    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        log_in(client, "boss")
        form = {"name": "Acme", "kind": "company", "email": "bad-email"}
        answer = client.post("/customers/new", data={**form, "_csrf_token": csrf_token(client)})
    assert answer.status_code == 422
    assert "email" in answer.text


@pytest.mark.parametrize("kind", ["customer", "contact", "lead"])
def test_an_imported_row_with_a_malformed_email_is_a_row_error(world, kind):  # noqa: F811
    rows = {
        "customer": [["名称", "邮箱"], ["Acme", "a@example.com"], ["Globex", "bad-email"]],
        "contact": [["姓名", "邮箱"], ["王", "a@example.com"], ["李", "bad-email"]],
        "lead": [["姓名", "邮箱"], ["王", "a@example.com"], ["李", "bad-email"]],
    }[kind]
    with world.client("mgr") as client:
        import_id = upload(client, "名单.csv", csv_bytes(rows), kind=kind).json()["id"]
        job = run(client, import_id, commit_valid=True).json()
        report = client.get(f"/api/v1/imports/{import_id}/errors.csv").content.decode("utf-8-sig")
    assert job["result"]["failed"] == 1, job
    assert "bad-email" in report and "email" in report


def action(customer_id: int, **values) -> dict:
    return {"kind": "customer", "record_id": customer_id, "subject": "s", **values}


def test_a_planned_action_needs_a_due_time(admin):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    assert_refused(admin.post("/api/v1/actions", json=action(customer, status="planned")), "due_at")
    done = admin.post("/api/v1/actions", json=action(customer)).json()
    back_to_plan = {"version": done["version"], "status": "planned"}
    assert_refused(admin.patch(f"/api/v1/actions/{done['id']}", json=back_to_plan), "due_at")
    planned = admin.post(
        "/api/v1/actions",
        json=action(customer, status="planned", due_at="2026-12-01T09:00:00+08:00"),
    ).json()
    undated = {"version": planned["version"], "due_at": None}
    assert_refused(admin.patch(f"/api/v1/actions/{planned['id']}", json=undated), "due_at")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "ftp://files.example.com",
        "//evil.example.com",
        "https://",
    ],
)
def test_a_meeting_link_must_be_a_web_address(admin, url):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    answer = admin.post("/api/v1/actions", json=action(customer, meeting_url=url))
    assert_refused(answer, "meeting_url")


def test_a_web_meeting_link_is_kept(admin):
    customer = admin.post("/api/v1/customers", json={"name": "Acme"}).json()["id"]
    url = "https://meeting.tencent.com/dm/abc"
    answer = admin.post("/api/v1/actions", json=action(customer, meeting_url=url))
    assert answer.status_code == 201 and answer.json()["meeting_url"] == url


def test_a_custom_email_field_follows_the_same_rule(admin):
    field = {"kind": "customer", "name": "billing", "type": "email", "label_zh": "账单邮箱"}
    created = admin.post("/api/v1/custom-fields", json={**field, "label_en": "Billing"})
    assert created.status_code == 201, created.text
    bad = {"name": "Acme", "ext": {"custom": {"billing": "a@b"}}}
    assert_refused(admin.post("/api/v1/customers", json=bad), "ext.custom.billing")
    good = {"name": "Acme", "ext": {"custom": {"billing": "bills@example.cn"}}}
    assert admin.post("/api/v1/customers", json=good).status_code == 201
