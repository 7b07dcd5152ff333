"""The public service form (the lead form's spam checks: token, honeypot, rate) and the
ticket pages: the queue list, the record page with its clocks and conversation, replying,
resolving, the reports in the library."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import TestClient

from kht.db.base import utcnow
from kht.leads import webform as spam
from kht.testing import csrf_token, log_in, put_settings

FORM = {
    "name": "赵敏",
    "email": "zhaomin@client.cn",
    "subject": "空调漏水",
    "message": "办公室空调漏水",
}


@pytest.fixture
def visitor(desk):
    with TestClient(desk.app) as client:
        yield client


def send(desk, client, age: int = 10, **changes):
    token = spam.issue_token(desk.runtime.settings.secret_key, utcnow() - timedelta(seconds=age))
    data = {**FORM, "token": token, spam.HONEYPOT: "", **changes}
    return client.post("/forms/ticket", data=data, follow_redirects=False)


def test_the_public_form_opens_a_ticket_in_the_intake_queue(desk, visitor):
    admin = desk.client("admin")
    settings = {"intake_queue_id": desk.queues["Hardware"]}
    assert put_settings(admin, "service", settings).status_code == 200
    page = visitor.get("/forms/ticket", follow_redirects=False)
    assert page.status_code == 200 and f'name="{spam.HONEYPOT}"' in page.text
    sent = send(desk, visitor)
    assert sent.status_code == 200 and 'id="form-thanks"' in sent.text
    [ticket] = admin.get("/api/v1/tickets").json()["items"]
    assert ticket["number"] in sent.text
    assert (ticket["channel"], ticket["queue_id"], ticket["owner_id"]) == (
        "web",
        desk.queues["Hardware"],
        desk.users["svc1"],
    )
    entries = admin.get(f"/api/v1/tickets/{ticket['id']}/entries").json()
    assert [(e["kind"], e["body"]) for e in entries] == [("customer", "办公室空调漏水")]


def test_the_public_form_refuses_bots_and_bad_input(desk, visitor):
    assert send(desk, visitor, age=0).status_code == 400
    assert send(desk, visitor, **{spam.HONEYPOT: "x"}).status_code == 400
    bad = send(desk, visitor, email="not-an-address")
    assert bad.status_code == 422 and 'data-field="requester_email"' in bad.text
    missing = send(desk, visitor, subject="")
    assert missing.status_code == 422 and 'data-field="subject"' in missing.text
    for _ in range(spam.RATE_LIMIT):
        assert send(desk, visitor).status_code == 200
    assert send(desk, visitor).status_code == 429
    assert desk.client("admin").get("/api/v1/tickets").json()["total"] == spam.RATE_LIMIT


def test_take_reply_and_resolve_on_the_ticket_page(desk):
    ticket = desk.ticket(queue_id=desk.queues["Software"], requester_name="钱先生")
    with TestClient(desk.app) as browser:
        log_in(browser, "svc3")
        listed = browser.get("/tickets?queue_id=" + str(desk.queues["Software"]))
        assert listed.status_code == 200 and ticket["number"] in listed.text
        page = browser.get(f"/tickets/{ticket['id']}")
        assert page.status_code == 200 and 'id="take-ticket"' in page.text
        assert 'id="ticket-sla"' in page.text
        token = csrf_token(browser)
        base = f"/tickets/{ticket['id']}"
        assert browser.post(f"{base}/take", data={"_csrf_token": token}).status_code == 200
        empty = browser.post(f"{base}/entries", data={"_csrf_token": token, "body": " "})
        assert empty.status_code == 422
        browser.post(
            f"{base}/entries", data={"_csrf_token": token, "body": "请重启试试", "kind": "reply"}
        )
        browser.post(
            f"{base}/entries", data={"_csrf_token": token, "body": "客户很着急", "kind": "note"}
        )
        unresolved = browser.post(f"{base}/move", data={"_csrf_token": token, "to": "resolved"})
        assert unresolved.status_code == 422
        done = browser.post(
            f"{base}/move",
            data={"_csrf_token": token, "to": "resolved", "resolution": "重启后恢复"},
        )
        assert done.status_code == 200
        assert "请重启试试" in done.text and "客户很着急" in done.text
    shown = desk.get(ticket["id"])
    assert (shown["status"], shown["owner_id"]) == ("resolved", desk.users["svc3"])
    assert shown["response_left_seconds"] is None and shown["first_response_at"]


def test_service_reports_are_in_the_library_and_scoped(desk):
    hardware = desk.queues["Hardware"]
    for _ in range(3):
        desk.ticket(queue_id=hardware)
    desk.ticket(queue_id=desk.queues["Software"], priority="high")
    admin = desk.client("admin")
    catalogue = admin.get("/api/v1/reports").json()
    keys = {r["key"] for r in catalogue} if isinstance(catalogue, list) else set()
    assert {
        "service.backlog_by_queue",
        "service.sla_by_queue",
        "service.satisfaction_by_agent",
    } <= keys
    run = admin.get("/api/v1/reports/service.backlog_by_status")
    assert run.status_code == 200, run.text
    mine = desk.client("svc3").get("/api/v1/reports/service.backlog_by_status")
    assert mine.status_code == 200, mine.text
    for key in (
        "service.sla_by_month",
        "service.times_by_agent",
        "service.per_category",
        "service.satisfaction_by_month",
    ):
        answer = admin.get(f"/api/v1/reports/{key}")
        assert answer.status_code == 200, (key, answer.text)


def test_the_ticket_page_suggests_published_articles_about_its_subject(desk):
    admin = desk.client("admin")
    for title, status in (("打印机无法开机的排查", "published"), ("打印机草稿", "draft")):
        made = admin.post("/api/v1/knowledge", json={"title": title, "status": status})
        assert made.status_code == 201, made.text
    ticket = desk.ticket(subject="客户的打印机无法开机", queue_id=desk.queues["Hardware"])
    with TestClient(desk.app) as browser:
        log_in(browser, "svc1")
        page = browser.get(f"/tickets/{ticket['id']}").text
    assert 'id="ticket-articles"' in page and "打印机无法开机的排查" in page
    assert "打印机草稿" not in page


def test_the_customer_page_shows_its_tickets_in_the_readers_scope(desk):
    admin = desk.client("admin")
    customer = admin.post("/api/v1/customers", json={"name": "同方威视"})
    assert customer.status_code == 201, customer.text
    customer_id = customer.json()["id"]
    hardware = desk.ticket(
        subject="安检机报警", customer_id=customer_id, queue_id=desk.queues["Hardware"]
    )
    software = desk.ticket(
        subject="软件授权到期", customer_id=customer_id, queue_id=desk.queues["Software"]
    )
    desk.ticket(subject="别家的工单", queue_id=desk.queues["Software"])
    with TestClient(desk.app) as browser:
        log_in(browser, "admin")
        page = browser.get(f"/customers/{customer_id}").text
    assert 'id="customer-tickets"' in page
    assert "安检机报警" in page and "软件授权到期" in page and "别家的工单" not in page
    assert f'href="/tickets/{hardware["id"]}"' in page
    assert f"/tickets/new?customer_id={customer_id}" in page
    # A service rep of the Software queue sees that queue's ticket only (the `team` scope).
    with TestClient(desk.app) as browser:
        log_in(browser, "svc3")
        page = browser.get(f"/customers/{customer_id}").text
    assert 'id="customer-tickets"' in page
    assert "软件授权到期" in page and f'href="/tickets/{software["id"]}"' in page
    assert "安检机报警" not in page
