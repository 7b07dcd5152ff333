"""Mail accounts and the archive, end to end against a real dovecot: a mail delivered to
the mailbox lands on the right customer's timeline once, whatever is fetched again."""

from __future__ import annotations

import base64
import logging

from sqlalchemy import func, select, update

from kht.crypto import seal
from kht.files.models import Attachment
from kht.mail.models import MailAccount, MailFolderState, MailMessage
from tests.mail.conftest import (
    contact,
    customer,
    fetch,
    imap_account,
    raw_mail,
    timeline_mail,
)


def messages(team) -> list[MailMessage]:
    with team.ctx(None) as ctx:
        return list(ctx.session.scalars(select(MailMessage).order_by(MailMessage.id)))


def test_an_account_keeps_its_password_sealed_and_never_shows_it(team, dovecot):
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)
    assert account["has_password"] is True and "password" not in account
    listed = team.client("rep1").get("/api/v1/mail/accounts")
    assert box[1] not in listed.text and listed.json()["items"][0]["id"] == account["id"]
    with team.ctx(None) as ctx:
        stored = ctx.session.get(MailAccount, account["id"])
        assert stored.password_secret and box[1] not in stored.password_secret
    # Someone else's personal account does not exist for them.
    assert team.client("rep2").get(f"/api/v1/mail/accounts/{account['id']}").status_code == 404
    bad = team.client("rep1").post(
        "/api/v1/mail/accounts", json={"name": "x", "email": "not an address", "smtp_host": "h"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "email"
    shared = team.client("rep1").post(
        "/api/v1/mail/accounts",
        json={"kind": "shared", "name": "Sales", "email": "sales@example.com", "smtp_host": "h"},
    )
    assert shared.status_code == 403  # company mailboxes are the mail administrators'


def test_a_delivered_mail_lands_on_the_customers_timeline_once(team, dovecot):
    buyer = customer(team, "华东电器", "rep1", email="buyer@huadong.cn")
    other = customer(team, "Other Co", "rep1", email="someone@other.cn")
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)
    dovecot.deliver(*box, raw_mail("Buyer <Buyer@Huadong.cn>", f"{box[0]}@example.com", "询价"))
    assert fetch(team, account["id"]) == {"stored": 1, "error": ""}
    [item] = timeline_mail(team, "rep1", "customer", buyer)
    assert item["title"] == "询价" and item["ref_kind"] == "mail"
    assert timeline_mail(team, "rep1", "customer", other) == []
    # A second fetch, and a folder the server renumbered, store nothing new.
    assert fetch(team, account["id"]) == {"stored": 0, "error": ""}
    with team.ctx(None) as ctx:
        ctx.session.execute(update(MailFolderState).values(uidvalidity=1))
    assert fetch(team, account["id"]) == {"stored": 0, "error": ""}
    assert len(messages(team)) == 1 and len(timeline_mail(team, "rep1", "customer", buyer)) == 1
    # A new mail is read from where the last fetch stopped; "fetch now" runs after the
    # request's commit, before its answer.
    dovecot.deliver(*box, raw_mail("buyer@huadong.cn", f"{box[0]}@example.com", "追加"))
    now = team.client("rep1").post(f"/api/v1/mail/accounts/{account['id']}/fetch")
    assert now.status_code == 202
    assert len(messages(team)) == 2
    assert (
        team.client("rep2").post(f"/api/v1/mail/accounts/{account['id']}/fetch").status_code == 404
    )
    titles = [i["title"] for i in timeline_mail(team, "rep1", "customer", buyer)]
    assert sorted(titles) == ["询价", "追加"]


def test_the_worker_polls_due_accounts_and_two_mailboxes_share_one_copy(team, dovecot):
    from kht.db.base import utcnow
    from kht.mail.fetch import fetch_due

    buyer = customer(team, "Shared Copy Co", "rep1")
    person = contact(team, "王经理", buyer, "wang@sharedcopy.cn", "rep1")
    first, second = dovecot.user(), dovecot.user()
    imap_account(team, "rep1", dovecot, first)
    imap_account(team, "rep2", dovecot, second, folders=["INBOX", "Archive"])
    raw = raw_mail("wang@sharedcopy.cn", f"{first[0]}@example.com", "合同")
    dovecot.deliver(*first, raw)
    dovecot.deliver(*second, raw, folder="Archive")
    runtime = team.runtime
    plugins = runtime.plugins()
    assert fetch_due(runtime.engine, runtime.settings, utcnow(), plugins=plugins) == 1
    assert fetch_due(runtime.engine, runtime.settings, utcnow(), plugins=plugins) == 0  # not due
    [message] = messages(team)
    # Matched to the contact and to the contact's customer.
    assert len(timeline_mail(team, "rep1", "contact", person)) == 1
    assert len(timeline_mail(team, "rep1", "customer", buyer)) == 1
    listed = team.client("rep2").get("/api/v1/mail/messages").json()
    assert [m["id"] for m in listed["items"]] == [message.id]  # through rep2's own copy


def test_gbk_big5_and_encoded_word_mails_read_right(team, dovecot):
    buyer = customer(team, "镕基科技", "rep1", email="li@rongji.cn")
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)

    def word(text: str, charset: str, declared: str = "") -> str:
        encoded = base64.b64encode(text.encode(charset)).decode()
        return f"=?{declared or charset}?B?{encoded}?="

    # Declared GB2312, using 镕 (GBK only) in the subject, the name and the body.
    gbk = (
        (
            f"From: {word('李镕', 'gbk', 'gb2312')} <li@rongji.cn>\r\n"
            f"To: {box[0]}@example.com\r\n"
            f"Subject: {word('报价单（镕基）', 'gbk', 'GB2312')}\r\n"
            "Message-ID: <gbk-1@rongji.cn>\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            "--b1\r\nContent-Type: text/plain; charset=gb2312\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + "您好，镕基的报价见附件。".encode("gbk")
        + (
            "\r\n--b1\r\nContent-Type: application/pdf\r\n"
            f'Content-Disposition: attachment; filename="{word("报价.pdf", "gbk")}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            f"{base64.b64encode(b'%PDF-1.4 test').decode()}\r\n--b1--\r\n"
        ).encode()
    )
    big5 = (
        f"From: {word('陳先生', 'big5')} <chen@rongji.cn>\r\n"
        f"To: {box[0]}@example.com\r\nCc: li@rongji.cn\r\n"
        "Subject: =?big5?Q?" + "".join(f"={b:02X}" for b in "會議通知".encode("big5")) + "?=\r\n"
        "Message-ID: <big5-1@rongji.cn>\r\n"
        "Content-Type: text/plain; charset=big5\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + "明天下午三點開會。".encode("big5")
    dovecot.deliver(*box, gbk)
    dovecot.deliver(*box, big5)
    assert fetch(team, account["id"])["stored"] == 2
    client = team.client("rep1")
    listed = client.get("/api/v1/mail/messages").json()["items"]
    by_subject = {m["subject"]: m for m in listed}
    assert set(by_subject) == {"报价单（镕基）", "會議通知"}
    first = client.get(f"/api/v1/mail/messages/{by_subject['报价单（镕基）']['id']}").json()
    assert first["from_name"] == "李镕" and first["text"].strip() == "您好，镕基的报价见附件。"
    assert first["links"] == [{"kind": "customer", "record_id": buyer}]
    [attachment] = first["attachments"]
    assert attachment["filename"] == "报价.pdf"
    download = client.get(f"/api/v1/mail/messages/{first['id']}/attachments/{attachment['id']}")
    assert (
        download.content == b"%PDF-1.4 test"
        and "attachment" in download.headers["content-disposition"]
    )
    second = client.get(f"/api/v1/mail/messages/{by_subject['會議通知']['id']}").json()
    assert second["from_name"] == "陳先生" and second["text"].strip() == "明天下午三點開會。"
    # The attachment is not reachable through the record files API.
    assert client.get(f"/api/v1/files/{attachment['id']}/download").status_code == 404
    with team.ctx(None) as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_html_is_sanitised_and_remote_images_wait_for_the_reader(team, dovecot):
    customer(team, "Pixel Co", "rep1", email="news@pixel.cn")
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, box)
    html = (
        '<p onclick="steal()">Hi<script>alert(1)</script>'
        '<img src="https://tracker.example/open.gif"><a href="javascript:x()">link</a></p>'
    )
    dovecot.deliver(*box, raw_mail("news@pixel.cn", "x@example.com", "News", html=html))
    fetch(team, account["id"])
    [listed] = team.client("rep1").get("/api/v1/mail/messages").json()["items"]
    shown = team.client("rep1").get(f"/api/v1/mail/messages/{listed['id']}").json()
    assert shown["remote_images_blocked"] is True
    for bad in ("<script", "onclick", "javascript:", "tracker.example"):
        assert bad not in shown["html"]
    asked = team.client("rep1").get(f"/api/v1/mail/messages/{listed['id']}?images=true").json()
    assert "https://tracker.example/open.gif" in asked["html"] and "<script" not in asked["html"]


def test_a_server_that_is_down_or_refuses_the_login_is_noted_without_the_password(
    team, dovecot, caplog
):
    box = dovecot.user()
    account = imap_account(team, "rep1", dovecot, (box[0], "wrong-password-123"))
    with caplog.at_level(logging.WARNING, logger="kht.mail"):
        result = fetch(team, account["id"])
    assert result["stored"] == 0 and result["error"] == "MailboxLoginError"
    assert "wrong-password-123" not in caplog.text
    shown = team.client("rep1").get(f"/api/v1/mail/accounts/{account['id']}").json()
    assert shown["last_error"] == "MailboxLoginError"
    with team.ctx(None) as ctx:  # a password sealed under another instance key
        ctx.session.get(MailAccount, account["id"]).password_secret = seal(
            ctx.settings.__class__(secret_key="another key"), box[1]
        )
    assert fetch(team, account["id"])["error"] == "UnreadableSecret"


def test_the_worker_fetches_mail_every_minute(team):
    from kht.jobs.periodic import registered

    assert registered(team.runtime.plugins().pm.hook)["kht.fetch_mail"].cron == "* * * * *"
