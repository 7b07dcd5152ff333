"""Sending through the outbox from a mail account, replies in the thread, and who may read
which mail (by id, in lists, in search, on timelines)."""

from __future__ import annotations

from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from kht.db.base import utcnow
from kht.mail.models import MailMessage, OutgoingMail
from kht.mail.outbox import drain
from tests.mail.conftest import customer, fetch, full_account, imap_account, raw_mail, timeline_mail
from tests.mailservers import Inbox, free_port


def smtp_account(team, login: str, controller, **more) -> dict:
    body = {
        "name": "华东销售",
        "email": f"{login}@example.com",
        "smtp_host": controller.hostname,
        "smtp_port": controller.port,
        "smtp_security": "none",
        **more,
    }
    response = team.client(login).post("/api/v1/mail/accounts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def outbox(team) -> list[OutgoingMail]:
    with team.ctx(None) as ctx:
        return list(ctx.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def test_a_mail_sent_from_an_account_arrives_once_and_is_on_the_timeline(team, smtp):
    controller, inbox = smtp
    buyer = customer(team, "Sent Co", "rep1", email="buyer@sentco.cn")
    account = smtp_account(team, "rep1", controller)
    sent = team.client("rep1").post(
        "/api/v1/mail/send",
        json={
            "account_id": account["id"],
            "to": ["Buyer@SentCo.cn"],
            "cc": ["boss@sentco.cn"],
            "subject": "报价",
            "body": "请查收报价。",
        },
    )
    assert sent.status_code == 201, sent.text
    [(recipients, message)] = inbox.messages
    assert sorted(recipients) == ["boss@sentco.cn", "buyer@sentco.cn"]
    assert message["From"] == "华东销售 <rep1@example.com>" and message["Cc"] == "boss@sentco.cn"
    assert message["Message-ID"] == sent.json()["message_id"]
    assert message.get_content().strip() == "请查收报价。"
    [item] = timeline_mail(team, "rep1", "customer", buyer)
    assert item["title"] == "报价"
    runtime = team.runtime
    assert drain(runtime.engine, runtime.settings, utcnow() + timedelta(hours=2)) == 0
    assert len(inbox.messages) == 1 and [m.status for m in outbox(team)] == ["sent"]
    # Bad input names the field; an account that is not yours cannot send.
    bad = team.client("rep1").post(
        "/api/v1/mail/send",
        json={"account_id": account["id"], "to": ["nobody"], "subject": "x"},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "to"
    theirs = team.client("rep2").post(
        "/api/v1/mail/send",
        json={"account_id": account["id"], "to": ["a@example.com"], "subject": "x"},
    )
    assert theirs.status_code == 422 and theirs.json()["field"] == "account_id"


def test_with_the_smtp_server_down_the_mail_waits_and_arrives_once_after(team):
    inbox, port = Inbox(), free_port()  # nobody listens there yet: the server is down
    down = Controller(inbox, hostname="127.0.0.1", port=port)
    account = smtp_account(team, "rep1", down, password="pw-secret-1")
    sent = team.client("rep1").post(
        "/api/v1/mail/send",
        json={"account_id": account["id"], "to": ["a@example.com"], "subject": "稍后"},
    )
    assert sent.status_code == 201
    [queued] = outbox(team)
    assert (queued.status, queued.attempts) == ("queued", 1) and inbox.messages == []
    assert "pw-secret-1" not in queued.last_error
    down.start()  # the server is back on its port: the next due drain sends it, once
    try:
        runtime = team.runtime
        later = queued.next_attempt_at
        assert drain(runtime.engine, runtime.settings, later - timedelta(seconds=1)) == 0
        assert drain(runtime.engine, runtime.settings, later) == 1
        assert drain(runtime.engine, runtime.settings, later + timedelta(hours=1)) == 0
    finally:
        down.stop()
    [(_, message)] = inbox.messages
    assert message["Message-ID"] == sent.json()["message_id"] and message["Subject"] == "稍后"
    # A password change is sealed again; an empty one clears it.
    cleared = team.client("rep1").patch(
        f"/api/v1/mail/accounts/{account['id']}", json={"password": ""}
    )
    assert cleared.status_code == 200 and cleared.json()["has_password"] is False


def test_reply_all_and_forward_quote_the_thread_and_answer_in_it(team, smtp, dovecot):
    controller, inbox = smtp
    customer(team, "Thread Co", "rep1", email="buyer@threadco.cn")
    box = dovecot.user()
    account = full_account(team, "rep1", dovecot, box, controller)
    me = account["email"]
    dovecot.deliver(
        *box,
        raw_mail(
            "Buyer <buyer@threadco.cn>",
            f"{me}, colleague@threadco.cn",
            "询价单",
            "第一行\n第二行",
            message_id="<first@threadco.cn>",
            Cc="boss@threadco.cn",
        ),
    )
    fetch(team, account["id"])
    client = team.client("rep1")
    [original] = client.get("/api/v1/mail/messages").json()["items"]
    draft = client.get(f"/api/v1/mail/messages/{original['id']}/draft?mode=reply_all").json()
    assert draft["to"] == ["buyer@threadco.cn", "colleague@threadco.cn"]
    assert draft["cc"] == ["boss@threadco.cn"] and draft["subject"] == "Re: 询价单"
    assert "> 第一行\n> 第二行" in draft["body"] and "buyer@threadco.cn" in draft["body"]
    reply = client.get(f"/api/v1/mail/messages/{original['id']}/draft?mode=reply").json()
    assert reply["to"] == ["buyer@threadco.cn"] and reply["cc"] == []
    forward = client.get(f"/api/v1/mail/messages/{original['id']}/draft?mode=forward").json()
    assert forward["to"] == [] and forward["subject"] == "Fwd: 询价单"
    assert "第一行" in forward["body"] and forward["reply_to_id"] is None
    assert client.get(f"/api/v1/mail/messages/{original['id']}/draft?mode=x").status_code == 422
    sent = client.post(
        "/api/v1/mail/send",
        json={
            "account_id": account["id"],
            "to": draft["to"],
            "cc": draft["cc"],
            "subject": draft["subject"],
            "body": "好的" + draft["body"],
            "reply_to_id": draft["reply_to_id"],
        },
    ).json()
    [(_, message)] = inbox.messages
    assert message["In-Reply-To"] == "<first@threadco.cn>"
    assert message["References"] == "<first@threadco.cn>"
    detail = client.get(f"/api/v1/mail/messages/{sent['id']}").json()
    assert detail["thread_id"] == original["thread_id"]
    assert [m["id"] for m in detail["thread"]] == [original["id"], sent["id"]]


def test_a_rep_cannot_read_a_colleagues_mail_but_the_manager_can(team, dovecot):
    buyer = customer(team, "Private Co", "rep1", email="ceo@private.cn")
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)
    dovecot.deliver(*box, raw_mail("ceo@private.cn", "x@example.com", "机密报价 alpha"))
    fetch(team, account["id"])
    with team.ctx(None) as ctx:
        message_id = ctx.session.scalars(select(MailMessage.id)).one()

    def reads(login: str) -> tuple[int, list[int], list[int], list[dict]]:
        client = team.client(login)
        by_id = client.get(f"/api/v1/mail/messages/{message_id}").status_code
        listed = [m["id"] for m in client.get("/api/v1/mail/messages").json()["items"]]
        found = [m["id"] for m in client.get("/api/v1/mail/messages?q=alpha").json()["items"]]
        return by_id, listed, found, timeline_mail(team, "admin", "customer", buyer)

    assert reads("rep1")[:3] == (200, [message_id], [message_id])
    assert reads("east_mgr")[:3] == (200, [message_id], [message_id])  # department tree
    assert reads("rep2")[:3] == (404, [], [])
    assert reads("west_rep")[:3] == (404, [], [])
    attachment = team.client("rep2").get(f"/api/v1/mail/messages/{message_id}/attachments/1")
    assert attachment.status_code == 404
    draft = team.client("rep2").get(f"/api/v1/mail/messages/{message_id}/draft")
    assert draft.status_code == 404
    # The manager sees it on the customer's timeline; the colleague cannot open the customer.
    assert len(timeline_mail(team, "east_mgr", "customer", buyer)) == 1
    assert team.client("rep2").get(f"/api/v1/timeline/customer/{buyer}").status_code == 404
    # Handed over to rep2, the customer's mail follows the customer.
    with team.ctx("admin") as ctx:
        from kht.customers.models import Customer

        ctx.session.get(Customer, buyer).owner_id = team.users["rep2"]
    assert reads("rep2")[:3] == (200, [message_id], [message_id])


def test_members_of_a_shared_mailbox_read_its_mail(team, dovecot):
    box = dovecot.user()
    shared = team.client("admin").post(
        "/api/v1/mail/accounts",
        json={
            "kind": "shared",
            "name": "Sales box",
            "email": "sales@example.com",
            "login": box[0],
            "password": box[1],
            "imap_host": dovecot.host,
            "imap_port": dovecot.port,
            "imap_security": "none",
            "member_ids": [team.users["rep2"]],
        },
    )
    assert shared.status_code == 201, shared.text
    assert shared.json()["member_ids"] == [team.users["rep2"]]
    dovecot.deliver(*box, raw_mail("stranger@unknown.cn", "sales@example.com", "咨询"))
    fetch(team, shared.json()["id"])
    assert team.client("rep2").get("/api/v1/mail/messages").json()["total"] == 1
    assert team.client("rep1").get("/api/v1/mail/messages").json()["total"] == 0
    mine = team.client("rep2").get("/api/v1/mail/accounts").json()["items"]
    assert [a["name"] for a in mine] == ["Sales box"]
    # A member may not change the company's mailbox.
    change = team.client("rep2").patch(
        f"/api/v1/mail/accounts/{shared.json()['id']}", json={"name": "mine"}
    )
    assert change.status_code == 403
    unknown = team.client("admin").patch(
        f"/api/v1/mail/accounts/{shared.json()['id']}", json={"member_ids": [9999]}
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "member_ids"


def test_the_global_search_finds_mail_only_for_its_readers(team, dovecot):
    from kht.testing import page_client

    customer(team, "Search Co", "rep1", email="ceo@searchco.cn")
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)
    dovecot.deliver(*box, raw_mail("ceo@searchco.cn", "x@example.com", "报价 zeta"))
    fetch(team, account["id"])

    def found(login: str, kind: str = "") -> list[str]:
        answer = team.client(login).get("/api/v1/search", params={"q": "zeta", "kind": kind})
        assert answer.status_code == 200, answer.text
        return [hit["title"] for hit in answer.json()["items"] if hit["kind"] == "mail"]

    assert found("rep1") == found("rep1", "mail") == found("east_mgr") == ["报价 zeta"]
    assert found("rep2") == found("rep2", "mail") == found("west_rep") == []
    assert "报价 zeta" in page_client(team.app, "rep1").get("/search?q=zeta").text
    assert "报价 zeta" in page_client(team.app, "rep1").get("/search/suggest?q=zeta").text
    assert "报价 zeta" not in page_client(team.app, "rep2").get("/search?q=zeta").text
    assert "报价 zeta" not in page_client(team.app, "rep2").get("/search/suggest?q=zeta").text
