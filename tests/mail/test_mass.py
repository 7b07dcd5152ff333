"""Mass mail end to end on the real SMTP server: a template to the sender's records, the
tracking pixel and signed links, one-click unsubscribe, the suppression list, a server that
is down, and the recipient status hook."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient
from sqlalchemy import select

from kht.db.base import utcnow
from kht.mail.mass_batches import run
from kht.mail.models import MassRecipient
from tests.mail import status_listener
from tests.mail.conftest import customer
from tests.mail.test_send_and_permissions import smtp_account
from tests.mailservers import Inbox, free_port
from tests.team import build_team

BODY = "您好 {{ customer.name }}，新品见 https://example.com/offer?a=1&b=2 。"


@pytest.fixture
def team(kht_app):
    status_listener.HEARD.clear()
    return build_team(kht_app, plugins=[status_listener.NAME], extra=[status_listener.__name__])


def template(team, body: str = BODY, subject: str = "新品 {{ customer.name }}") -> int:
    response = team.client("admin").post(
        "/api/v1/mail/templates", json={"name": "新品", "subject": subject, "body": body}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def mass(team, login: str, **body) -> dict:
    response = team.client(login).post("/api/v1/mail/mass", json={"kind": "customer", **body})
    assert response.status_code == 202, response.text
    return response.json()


def stats(team, login: str, send_id: int) -> dict:
    response = team.client(login).get(f"/api/v1/mail/mass/{send_id}")
    assert response.status_code == 200, response.text
    return response.json()["stats"]


def tick(team, minutes: int = 0) -> int:
    runtime = team.runtime
    now = utcnow() + timedelta(minutes=minutes)
    return run(runtime.engine, runtime.settings, runtime.plugins(), now)


def anonymous(team) -> TestClient:
    return TestClient(app=team.app)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_mass_mail_reaches_the_senders_records_once_with_tracking_and_unsubscribe(team, smtp):
    controller, inbox = smtp
    customer(team, "甲公司", "rep1", email="a@jia.cn")
    customer(team, "乙公司", "rep1", email="B@yi.cn")
    customer(team, "乙公司分部", "rep1", email="b@yi.cn")  # the same address: one mail
    customer(team, "丙公司", "rep1")  # no address
    customer(team, "丁公司", "rep2", email="d@ding.cn")  # not rep1's: out of scope
    account = smtp_account(team, "rep1", controller)
    template_id = template(team)
    counted = team.client("rep1").post(
        "/api/v1/mail/mass/count", json={"kind": "customer", "template_id": template_id}
    )
    assert counted.json() == {"records": 4, "addresses": 2, "suppressed": 0}
    send = mass(team, "rep1", template_id=template_id, account_id=account["id"])
    assert sorted(r[0][0] for r in inbox.messages) == ["a@jia.cn", "b@yi.cn"]
    assert tick(team, 5) == 0 and len(inbox.messages) == 2  # nothing twice
    [message] = [m for r, m in inbox.messages if r == ["a@jia.cn"]]
    assert message["Subject"] == "新品 甲公司"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "您好 甲公司" in text and unsubscribe in text and "https://example.com/offer" not in text
    assert "/m/o/" in html
    assert stats(team, "rep1", send["id"])["sent"] == 2
    assert stats(team, "rep1", send["id"])["delivered"] == 2

    # The pixel and the tracked link, without a login; a made-up link goes nowhere.
    client = anonymous(team)
    pixel = html.split('<img src="')[1].split('"')[0]
    assert client.get(path_of(pixel)).headers["content-type"] == "image/gif"
    link = next(w for w in text.split() if "/m/c/" in w)
    followed = client.get(path_of(link), follow_redirects=False)
    assert followed.status_code == 302
    assert followed.headers["location"] == "https://example.com/offer?a=1&b=2"
    query = parse_qs(urlsplit(link).query)
    elsewhere = path_of(link).replace(query["u"][0].replace(":", "%3A").replace("/", "%2F"), "")
    assert (
        client.get(elsewhere + "&u=https%3A%2F%2Fevil.test%2F", follow_redirects=False).status_code
        == 404
    )
    forged = path_of(link).split("/m/c/")[1].split("?")[0]
    number = forged.split("-")[0]
    assert client.get(f"/m/c/{int(number) + 1}-{forged.split('-', 1)[1]}").status_code == 404
    figures = stats(team, "rep1", send["id"])
    assert (figures["opened"], figures["clicked"]) == (1, 1)

    # One-click unsubscribe (RFC 8058): a POST without login or CSRF token.
    assert client.get(path_of(unsubscribe)).status_code == 200
    assert (
        client.post(path_of(unsubscribe), data={"List-Unsubscribe": "One-Click"}).status_code == 200
    )
    assert stats(team, "rep1", send["id"])["unsubscribed"] == 1
    suppressed = team.client("admin").get("/api/v1/mail/suppressions").json()
    assert [(i["email"], i["reason"]) for i in suppressed["items"]] == [
        ("a@jia.cn", "unsubscribed")
    ]

    # A later send skips the unsubscribed address.
    again = mass(team, "rep1", template_id=template_id, account_id=account["id"])
    assert len(inbox.messages) == 3 and inbox.messages[-1][0] == ["b@yi.cn"]
    assert stats(team, "rep1", again["id"])["suppressed"] == 1
    heard = [(c.email, c.status) for c in status_listener.HEARD if c.send_id == send["id"]]
    assert sorted(heard) == sorted(
        [
            ("a@jia.cn", "sent"),
            ("b@yi.cn", "sent"),
            ("a@jia.cn", "opened"),
            ("a@jia.cn", "clicked"),
            ("a@jia.cn", "unsubscribed"),
        ]
    )
    # The other rep sees neither the send nor its figures.
    assert team.client("rep2").get(f"/api/v1/mail/mass/{send['id']}").status_code == 404


def test_bad_input_names_the_field_and_a_segment_one_cannot_use_is_refused(team, smtp):
    controller, _ = smtp
    customer(team, "甲公司", "rep1", email="a@jia.cn")
    account = smtp_account(team, "rep1", controller)
    good = template(team)
    broken = (
        team.client("admin")
        .post(
            "/api/v1/mail/templates",
            json={"name": "坏", "subject": "x", "body": "{{ customer.no_such_field }}"},
        )
        .json()["id"]
    )
    view = team.client("rep2").post(
        "/api/v1/views",
        json={"kind": "customer", "name": "mine", "filters": [], "sort": "-updated_at"},
    )
    client = team.client("rep1")
    cases = [
        ({"template_id": broken, "account_id": account["id"]}, "body"),
        ({"template_id": 999999, "account_id": account["id"]}, "template_id"),
        ({"template_id": good, "account_id": account["id"], "filters": ["nope:eq:1"]}, "filters"),
        ({"template_id": good, "account_id": 999999}, "account_id"),
        ({"template_id": good}, "account_id"),  # no KHT_SMTP_HOST: an account is needed
    ]
    assert view.status_code in (200, 201), view.text
    theirs = {"template_id": good, "account_id": account["id"], "view_id": view.json()["id"]}
    cases.append((theirs, "view_id"))
    for body, field in cases:
        response = client.post("/api/v1/mail/mass", json={"kind": "customer", **body})
        assert response.status_code == 422, (body, response.text)
        assert response.json()["field"] == field, (body, response.text)
    with team.ctx(None) as ctx:
        assert ctx.session.scalar(select(MassRecipient.id)) is None  # nothing half-written


def test_with_the_smtp_server_down_the_mass_mail_waits_and_arrives_once(team):
    inbox, port = Inbox(), free_port()
    down = Controller(inbox, hostname="127.0.0.1", port=port)
    for n in range(3):
        customer(team, f"客户{n}", "rep1", email=f"c{n}@kehu.cn")
    account = smtp_account(team, "rep1", down)
    send = mass(
        team, "rep1", template_id=template(team), account_id=account["id"], rate_per_minute=2
    )
    figures = stats(team, "rep1", send["id"])
    assert (figures["queued"], figures["pending"], figures["sent"]) == (2, 1, 0)
    down.start()
    try:
        tick(team, 0)  # the batch of this minute is taken: nothing new moves
        tick(team, 90)  # the outbox's wait is over and the next minute's batch is due
        tick(team, 180)
        assert sorted(r[0][0] for r in inbox.messages) == ["c0@kehu.cn", "c1@kehu.cn", "c2@kehu.cn"]
        tick(team, 300)
        assert len(inbox.messages) == 3
    finally:
        down.stop()
    assert stats(team, "rep1", send["id"])["sent"] == 3


def dsn(to: str, failed: str, status: str, returned_headers: str) -> bytes:
    """A delivery status notification as Postfix writes it (RFC 3464)."""
    return (
        "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-" + failed.replace("@", ".") + status + "@mx.example.net>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"\r\n'
        "\r\n--B1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "I'm sorry to have to inform you that your message could not be delivered.\r\n"
        "\r\n--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {failed}\r\n"
        f"Original-Recipient: rfc822;{failed}\r\n"
        "Action: failed\r\n"
        f"Status: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "\r\n--B1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{returned_headers}"
        "\r\n--B1--\r\n"
    ).encode()


def complaint(to: str, complainer: str) -> bytes:
    """An abuse report (RFC 5965) naming the complaining address."""
    return (
        "From: feedback@isp.example\r\nTo: " + to + "\r\nSubject: complaint\r\n"
        "Message-ID: <arf-1@isp.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="B2"\r\n'
        "\r\n--B2\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
        "\r\n--B2\r\nContent-Type: message/feedback-report\r\n\r\n"
        "Feedback-Type: abuse\r\nUser-Agent: isp-fbl/1.0\r\nVersion: 1\r\n"
        f"Original-Rcpt-To: {complainer}\r\n"
        "\r\n--B2--\r\n"
    ).encode()


def test_hard_bounces_and_complaints_read_over_imap_suppress_the_addresses(team, smtp, dovecot):
    from tests.mail.conftest import fetch, full_account

    controller, inbox = smtp
    for n, email in enumerate(["gone@kehu.cn", "late@kehu.cn", "angry@kehu.cn", "ok@kehu.cn"]):
        customer(team, f"客户{n}", "rep1", email=email)
    box = dovecot.user()
    account = full_account(team, "rep1", dovecot, box, controller)
    template_id = template(team)
    send = mass(team, "rep1", template_id=template_id, account_id=account["id"])
    sent = {r[0]: m for r, m in inbox.messages}
    assert len(sent) == 4

    def headers_of(address: str) -> str:
        message = sent[address]
        return "".join(f"{k}: {v}\r\n" for k, v in message.items() if k != "Content-Type")

    sender = account["email"]
    dovecot.deliver(*box, dsn(sender, "gone@kehu.cn", "5.1.1", headers_of("gone@kehu.cn")))
    dovecot.deliver(*box, dsn(sender, "late@kehu.cn", "4.2.2", headers_of("late@kehu.cn")))
    dovecot.deliver(*box, complaint(sender, "angry@kehu.cn"))
    fetch(team, account["id"])
    fetch(team, account["id"])  # a second fetch records nothing twice
    figures = stats(team, "rep1", send["id"])
    assert (figures["bounced"], figures["complained"], figures["delivered"]) == (1, 1, 3)
    reasons = {
        i["email"]: i["reason"]
        for i in team.client("admin").get("/api/v1/mail/suppressions").json()["items"]
    }
    assert reasons == {"gone@kehu.cn": "bounced", "angry@kehu.cn": "complained"}
    # The bounces of mass mail stay out of the archive.
    listed = team.client("rep1").get("/api/v1/mail/messages").json()
    assert [m["subject"] for m in listed["items"] if "Undelivered" in m["subject"]] == []
    again = mass(team, "rep1", template_id=template_id, account_id=account["id"])
    assert sorted(r[0][0] for r in inbox.messages[4:]) == ["late@kehu.cn", "ok@kehu.cn"]
    assert stats(team, "rep1", again["id"])["suppressed"] == 2
    heard = {(c.email, c.status) for c in status_listener.HEARD if c.send_id == send["id"]}
    assert {("gone@kehu.cn", "bounced"), ("angry@kehu.cn", "complained")} <= heard


def test_the_mass_mail_page_counts_sends_and_shows_the_figures(team, smtp):
    from kht.testing import page_client

    controller, inbox = smtp
    customer(team, "甲公司", "rep1", email="a@jia.cn")
    customer(team, "乙公司", "rep1", email="b@yi.cn")
    account = smtp_account(team, "rep1", controller)
    template_id = template(team)
    client = page_client(team.app, "rep1")
    assert 'href="/mail/mass"' in client.get("/mail").text
    page = client.get("/mail/mass")
    assert page.status_code == 200 and "群发邮件" in page.text and 'id="mass-form"' in page.text
    form = {"template_id": str(template_id), "kind": "customer", "account_id": str(account["id"])}
    counted = client.post("/mail/mass", data={**form, "action": "count"})
    assert counted.status_code == 200 and 'id="mass-count"' in counted.text
    assert "2" in counted.text.split('id="mass-count"')[1].split("</p>")[0]
    bad = client.post("/mail/mass", data={**form, "rate_per_minute": "0", "action": "send"})
    assert bad.status_code == 422 and 'data-field="rate_per_minute"' in bad.text
    sent = client.post("/mail/mass", data={**form, "action": "send"}, follow_redirects=False)
    assert sent.status_code in (302, 303), sent.text
    assert len(inbox.messages) == 2
    listing = client.get("/mail/mass").text
    assert '<td data-stat="sent">2</td>' in listing
