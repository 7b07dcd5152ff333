"""One-to-one tracking of a mail written in the CRM, on the real SMTP server: the pixel and
tracked links stamp the archived mail; an untracked mail carries neither; tokens and links
cannot be forged or moved between a personal mail and a mass mail."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.testing import TestClient

from kht.mail.tracking import PERSONAL, token_for
from kht.testing import page_client
from tests.mail.conftest import customer
from tests.mail.test_send_and_permissions import smtp_account

BODY = "王经理您好，报价单见 https://example.com/quote?id=7 。"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _send(team, controller, track: bool) -> dict:
    account = smtp_account(team, "rep1", controller)
    answer = team.client("rep1").post(
        "/api/v1/mail/send",
        json={
            "account_id": account["id"],
            "to": ["wang@kehu.cn"],
            "subject": "报价",
            "body": BODY,
            "track": track,
        },
    )
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _message(team, mail_id: int) -> dict:
    answer = team.client("rep1").get(f"/api/v1/mail/messages/{mail_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_tracked_mail_records_its_opens_and_clicks(team, smtp):
    controller, inbox = smtp
    customer(team, "王氏贸易", "rep1", email="wang@kehu.cn")
    sent = _send(team, controller, track=True)
    [(rcpt, message)] = inbox.messages
    assert rcpt == ["wang@kehu.cn"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "https://example.com/quote" not in text and "/m/c/p" in text
    # The archive keeps what the rep wrote.
    stored = _message(team, sent["id"])
    assert stored["text"] == BODY
    assert (stored["tracked"], stored["opens"], stored["opened_at"]) == (True, 0, None)

    client = TestClient(app=team.app)  # the recipient: no login
    pixel = html.split('<img src="')[1].split('"')[0]
    assert client.get(_path(pixel)).headers["content-type"] == "image/gif"
    client.get(_path(pixel))
    link = next(word for word in text.split() if "/m/c/" in word)
    followed = client.get(_path(link), follow_redirects=False)
    assert followed.status_code == 302
    assert followed.headers["location"] == "https://example.com/quote?id=7"
    stored = _message(team, sent["id"])
    assert (stored["opens"], stored["clicks"]) == (2, 1)
    assert stored["opened_at"] is not None and stored["clicked_at"] is not None
    page = page_client(team.app, "rep1").get(f"/mail/{sent['id']}")
    assert 'id="mail-tracking"' in page.text

    # Another target, or the link moved onto a mass mail recipient's token: 404.
    token = _path(link).split("/m/c/")[1].split("?")[0]
    elsewhere = _path(link).split("?")[0] + "?u=https%3A%2F%2Fevil.test%2F&" + link.split("&")[-1]
    assert client.get(elsewhere, follow_redirects=False).status_code == 404
    assert (
        client.get(_path(link).replace(token, token[1:]), follow_redirects=False).status_code == 404
    )
    assert client.get(f"/m/u/{token}").status_code == 404  # no unsubscribe for a personal mail


def test_an_untracked_mail_has_no_pixel_and_a_made_up_token_counts_nothing(team, smtp):
    controller, inbox = smtp
    sent = _send(team, controller, track=False)
    [(_, message)] = inbox.messages
    assert message.get_body(("html",)) is None
    assert "https://example.com/quote?id=7" in message.get_body(("plain",)).get_content()
    client = TestClient(app=team.app)
    # Even a validly signed token for an untracked mail changes nothing.
    token = token_for(team.runtime.settings, sent["id"], PERSONAL)
    assert client.get(f"/m/o/{token}.gif").status_code == 200
    assert client.get(f"/m/o/p{sent['id']}-forged.gif").status_code == 404
    stored = _message(team, sent["id"])
    assert (stored["tracked"], stored["opens"]) == (False, 0)
