"""The mail pages in Chinese: list and search, reading with blocked images, replying from
the form, adding accounts (bad input kept with a 422), the mail on the customer's page."""

from __future__ import annotations

from kht.testing import page_client
from tests.mail.conftest import customer, fetch, full_account, raw_mail


def test_read_reply_and_the_timeline_link_in_the_pages(team, dovecot, smtp):
    controller, inbox = smtp
    buyer = customer(team, "页面客户", "rep1", email="buyer@pageco.cn")
    box = dovecot.user()
    account = full_account(team, "rep1", dovecot, box, controller)
    html = '<p>你好<img src="http://pixel.example/t.gif"></p>'
    dovecot.deliver(*box, raw_mail("buyer@pageco.cn", account["email"], "页面询价", html=html))
    fetch(team, account["id"])
    client = page_client(team.app, "rep1")
    listing = client.get("/mail?q=询价")
    assert listing.status_code == 200 and "页面询价" in listing.text and "邮件" in listing.text
    [message_id] = [
        int(line.split('data-mail="')[1].split('"')[0])
        for line in listing.text.splitlines()
        if 'data-mail="' in line
    ]
    page = client.get(f"/mail/{message_id}")
    assert page.status_code == 200 and "pixel.example" not in page.text
    assert 'id="show-images"' in page.text and "回复" in page.text
    assert "pixel.example" in client.get(f"/mail/{message_id}?images=1").text
    customer_page = client.get(f"/customers/{buyer}")
    assert f'href="/mail/{message_id}"' in customer_page.text
    form = client.get(f"/mail/compose?reply={message_id}&mode=reply")
    assert form.status_code == 200 and "Re: 页面询价" in form.text
    bad = client.post(
        "/mail/compose",
        data={"account_id": str(account["id"]), "to": "not-an-address", "subject": "Re"},
    )
    assert bad.status_code == 422 and 'id="form-error"' in bad.text
    sent = client.post(
        "/mail/compose",
        data={
            "account_id": str(account["id"]),
            "to": "buyer@pageco.cn",
            "subject": "Re: 页面询价",
            "body": "好的\n> 你好",
            "reply_to_id": str(message_id),
        },
        follow_redirects=False,
    )
    assert sent.status_code in (302, 303), sent.text
    [(_, message)] = inbox.messages
    assert message["In-Reply-To"]
    assert message.get_content().replace("\r\n", "\n").startswith("好的\n> 你好")
    # A colleague gets a 404 page for the mail.
    assert page_client(team.app, "rep2").get(f"/mail/{message_id}").status_code == 404


def test_the_accounts_page_adds_an_account_and_keeps_bad_input(team):
    client = page_client(team.app, "rep1")
    page = client.get("/mail/accounts")
    assert page.status_code == 200 and "添加邮箱账户" in page.text
    assert 'name="kind"' not in page.text  # company mailboxes are the administrators'
    bad = client.post(
        "/mail/accounts",
        data={
            "name": "我的邮箱",
            "email": "nope",
            "smtp_host": "smtp.example.com",
            "password": "pw-9x",
        },
    )
    assert bad.status_code == 422 and 'value="我的邮箱"' in bad.text and "pw-9x" not in bad.text
    added = client.post(
        "/mail/accounts",
        data={
            "name": "我的邮箱",
            "email": "me@example.com",
            "smtp_host": "smtp.example.com",
            "password": "pw-9x",
        },
        follow_redirects=False,
    )
    assert added.status_code in (302, 303)
    listed = client.get("/mail/accounts")
    assert "me@example.com" in listed.text and "pw-9x" not in listed.text
    assert 'name="kind"' in page_client(team.app, "admin").get("/mail/accounts").text


def test_the_templates_page_adds_previews_and_starts_a_mail(team):
    buyer = customer(team, "模板客户", "rep1", email="t@template.cn")
    admin = page_client(team.app, "admin")
    added = admin.post(
        "/mail/templates",
        data={"name": "问候", "subject": "您好 {{ customer.name }}", "body": "{{ sender.name }}"},
        follow_redirects=False,
    )
    assert added.status_code in (302, 303), added.text
    broken = admin.post("/mail/templates", data={"name": "坏", "body": "{{ x "})
    assert broken.status_code == 422 and 'id="form-error"' in broken.text
    rep = page_client(team.app, "rep1")
    page = rep.get("/mail/templates")
    assert "问候" in page.text and 'id="template-form"' not in page.text
    template_id = int(page.text.split('data-template="')[1].split('"')[0])
    preview = rep.get(f"/mail/templates?template_id={template_id}&kind=customer&record_id={buyer}")
    assert preview.status_code == 200 and "您好 模板客户" in preview.text
    assert (
        page_client(team.app, "rep2")
        .get(f"/mail/templates?template_id={template_id}&kind=customer&record_id={buyer}")
        .status_code
        == 404
    )
    made = team.client("rep1").post(
        "/api/v1/mail/accounts",
        json={"name": "我", "email": "rep1@example.com", "smtp_host": "smtp.example.com"},
    )
    assert made.status_code == 201
    record_page = rep.get(f"/customers/{buyer}").text
    write = f"/mail/compose?to=t%40template.cn&amp;kind=customer&amp;record_id={buyer}"
    assert write in record_page and "写邮件" in record_page
    start = rep.get(f"/mail/compose?to=t%40template.cn&kind=customer&record_id={buyer}")
    assert 'id="template-pick"' in start.text and 'value="t@template.cn"' in start.text
    compose = rep.get(
        f"/mail/compose?template_id={template_id}&kind=customer&record_id={buyer}&to=t%40template.cn"
    )
    assert compose.status_code == 200 and "您好 模板客户" in compose.text


def test_an_account_is_edited_saved_and_shown_again_without_its_password(team):
    from kht import crypto
    from kht.mail.models import MailAccount

    client = page_client(team.app, "rep1")
    base = {"name": "我的邮箱", "email": "me@example.com", "smtp_host": "smtp.example.com"}
    client.post("/mail/accounts", data={**base, "password": "pw-9x"}, follow_redirects=False)
    with team.ctx(None) as ctx:
        account = ctx.session.query(MailAccount).one()
        account_id, sealed = account.id, account.password_secret
    page = client.get(f"/mail/accounts/{account_id}")
    assert page.status_code == 200 and 'value="smtp.example.com"' in page.text
    assert "pw-9x" not in page.text and 'id="save-account"' in page.text
    changed = {**base, "name": "华东邮箱", "smtp_host": "smtp2.example.com", "smtp_port": "465"}
    saved = client.post(f"/mail/accounts/{account_id}", data=changed, follow_redirects=False)
    assert saved.status_code in (302, 303), saved.text
    again = client.get(saved.headers["location"])
    assert 'id="account-saved"' in again.text
    assert 'value="华东邮箱"' in again.text and 'value="smtp2.example.com"' in again.text
    assert 'value="465"' in again.text and "pw-9x" not in again.text
    with team.ctx(None) as ctx:
        account = ctx.session.get(MailAccount, account_id)
        # An empty password field kept the stored one.
        assert account.password_secret == sealed
        assert crypto.unseal(ctx.settings, account.password_secret) == "pw-9x"
    # A new password replaces it; bad input shows the form again, without the password.
    bad = client.post(
        f"/mail/accounts/{account_id}", data={**changed, "email": "nope", "password": "new-pw-7"}
    )
    assert bad.status_code == 422 and "new-pw-7" not in bad.text and 'value="华东邮箱"' in bad.text
    client.post(f"/mail/accounts/{account_id}", data={**changed, "password": "new-pw-7"})
    with team.ctx(None) as ctx:
        secret = ctx.session.get(MailAccount, account_id).password_secret
        assert crypto.unseal(ctx.settings, secret) == "new-pw-7"
    # Another rep cannot open or save it.
    other = page_client(team.app, "rep2")
    assert other.get(f"/mail/accounts/{account_id}").status_code == 404
    assert other.post(f"/mail/accounts/{account_id}", data=changed).status_code == 404
