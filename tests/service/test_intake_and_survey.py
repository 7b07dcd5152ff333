"""Intake and satisfaction end to end on real servers: a mail to the service mailbox
(dovecot) opens a ticket and the sender gets the acknowledgement with its number (aiosmtpd);
the answer threads onto the same ticket, by number or by mail thread; resolving mails the
survey, whose signed link works once and only for its ticket, without a login."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from kht.db.base import utcnow
from kht.mail.fetch import fetch_account
from kht.testing import put_settings
from tests.mail.conftest import raw_mail
from tests.service.conftest import build_desk


@pytest.fixture
def mailed(kht_app, smtp, dovecot):
    controller, inbox = smtp
    desk = build_desk(kht_app, public_url="https://crm.example.cn")
    box = dovecot.user()
    body = {
        "kind": "shared",
        "name": "客服邮箱",
        "email": f"{box[0]}@example.com",
        "login": box[0],
        "password": box[1],
        "imap_host": dovecot.host,
        "imap_port": dovecot.port,
        "imap_security": "none",
        "smtp_host": controller.hostname,
        "smtp_port": controller.port,
        "smtp_security": "none",
        "round_robin": False,
    }
    admin = desk.client("admin")
    account = admin.post("/api/v1/mail/accounts", json=body)
    assert account.status_code == 201, account.text
    settings = {"mailbox_id": account.json()["id"], "intake_queue_id": desk.queues["Hardware"]}
    assert put_settings(admin, "service", settings).status_code == 200
    desk.mailbox = (account.json()["id"], box, f"{box[0]}@example.com")
    return desk, dovecot, inbox


def fetch(desk) -> int:
    runtime = desk.runtime
    stored, error = fetch_account(
        runtime.engine, runtime.settings, desk.mailbox[0], utcnow(), plugins=runtime.plugins()
    )
    assert error == ""
    return stored


def tickets(desk) -> list[dict]:
    return desk.client("admin").get("/api/v1/tickets?sort=id").json()["items"]


def entries(desk, ticket_id: int) -> list[tuple[str, str]]:
    rows = desk.client("admin").get(f"/api/v1/tickets/{ticket_id}/entries").json()
    return [(e["kind"], e["body"].strip()) for e in rows]


def test_a_mail_opens_a_ticket_and_the_answers_thread_onto_it(mailed):
    desk, dovecot, inbox = mailed
    _, box, address = desk.mailbox
    first = raw_mail("王芳 <wangfang@client.cn>", address, "打印机无法开机", "昨天开始无法开机。")
    dovecot.deliver(*box, first)
    assert fetch(desk) == 1
    [ticket] = tickets(desk)
    assert (ticket["channel"], ticket["requester_email"], ticket["requester_name"]) == (
        "email",
        "wangfang@client.cn",
        "王芳",
    )
    assert ticket["subject"] == "打印机无法开机" and ticket["owner_id"] == desk.users["svc1"]
    assert ticket["response_due_at"] is not None
    assert entries(desk, ticket["id"]) == [("customer", "昨天开始无法开机。")]
    # The acknowledgement: to the sender, with the number in the subject and the body.
    [(recipients, ack)] = inbox.messages
    assert recipients == ["wangfang@client.cn"]
    assert ack["Subject"].startswith(f"[{ticket['number']}]")
    assert ticket["number"] in ack.get_content()
    # Her answer to the acknowledgement carries the number: the same ticket.
    answer = raw_mail("wangfang@client.cn", address, f"Re: {ack['Subject']}", "型号是 LJ-2020。")
    dovecot.deliver(*box, answer)
    # A reply to her own first mail (same thread, no number) lands there too.
    import email

    first_id = email.message_from_bytes(first)["Message-ID"]
    follow = raw_mail(
        "wangfang@client.cn",
        address,
        "Re: 打印机无法开机",
        "补充：有异响。",
        In_Reply_To=first_id,
        References=first_id,
    )
    dovecot.deliver(*box, follow)
    assert fetch(desk) == 2
    assert len(tickets(desk)) == 1
    assert [kind for kind, _ in entries(desk, ticket["id"])] == ["customer"] * 3
    # Another sender with a new subject: a new ticket.
    dovecot.deliver(*box, raw_mail("li@other.cn", address, "发票问题", "请重开发票"))
    assert fetch(desk) == 1 and len(tickets(desk)) == 2
    assert fetch(desk) == 0 and len(tickets(desk)) == 2  # a re-fetch opens nothing


def _survey_link(inbox) -> str:
    (_, message) = inbox.messages[-1]
    found = re.search(
        r"https://crm\.example\.cn(/forms/survey/\d+/[0-9a-f]+)", message.get_content()
    )
    assert found, message.get_content()
    return found.group(1)


def test_the_survey_link_works_once_and_only_for_its_ticket(mailed):
    desk, _, inbox = mailed
    hardware = desk.queues["Hardware"]
    ticket = desk.ticket("svc1", queue_id=hardware, requester_email="chen@client.cn")
    other = desk.ticket("svc1", queue_id=hardware, requester_email="zhou@client.cn")
    svc1 = desk.client("svc1")
    url = f"/api/v1/tickets/{ticket['id']}/move/resolved"
    assert svc1.post(url, json={"resolution": "已更换电源"}).status_code == 200
    link = _survey_link(inbox)
    assert link.startswith(f"/forms/survey/{ticket['id']}/")
    public = TestClient(desk.app)  # no login
    assert public.get(link).status_code == 200
    token = link.rsplit("/", 1)[1]
    # The same token on another ticket, or a changed token: not found.
    assert public.get(f"/forms/survey/{other['id']}/{token}").status_code == 404
    assert public.get(link[:-2] + ("00" if not link.endswith("00") else "11")).status_code == 404
    bad = public.post(link, data={"score": "9"})
    assert bad.status_code == 422 and 'data-field="score"' in bad.text
    done = public.post(link, data={"score": "4", "comment": "响应很快"})
    assert done.status_code == 200 and 'id="survey-thanks"' in done.text
    again = public.post(link, data={"score": "1"})
    assert again.status_code == 409
    shown = desk.get(ticket["id"])
    assert (shown["satisfaction"], shown["satisfaction_comment"]) == (4, "响应很快")
    # On the ticket's page.
    page = desk.client("svc1").get(f"/tickets/{ticket['id']}")
    assert page.status_code == 200


def test_reopening_kills_the_old_survey_link(mailed):
    desk, _, inbox = mailed
    ticket = desk.ticket(requester_email="chen@client.cn")
    admin = desk.client("admin")
    base = f"/api/v1/tickets/{ticket['id']}/move"
    admin.post(f"{base}/resolved", json={"resolution": "ok"})
    old = _survey_link(inbox)
    admin.post(f"{base}/in_progress", json={})
    assert TestClient(desk.app).get(old).status_code == 404
    admin.post(f"{base}/resolved", json={"resolution": "真的好了"})
    assert TestClient(desk.app).get(_survey_link(inbox)).status_code == 200
