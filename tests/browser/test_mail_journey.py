"""A rep sets up a mail account (added, edited, saved, reloaded: the edit is shown and the
password never is) and sends a mass mail: picks the template and a segment, counts, sends
to a real SMTP server (aiosmtpd), and sees the figures move when a recipient opens it."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import SPEC, create_customer
from kht.lists.engine import Filter
from kht.lists.service import save_view
from kht.mail.schemas import TemplateIn
from kht.mail.templating import create_template
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser
PASSWORD = "smtp-secret-42"


def _until(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Wait for a condition outside the browser (the SMTP server's inbox)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _reload_until(page, locator, text: str, seconds: float = 20) -> None:
    """Reload until `locator` reads `text` (the worker's outcome lands a moment after the
    SMTP server took the mail)."""
    deadline = time.monotonic() + seconds
    while True:
        page.reload()
        if locator.inner_text().strip() == text:
            return
        assert time.monotonic() < deadline, f"still {locator.inner_text()!r}, not {text!r}"


@pytest.fixture
def office(live_runtime) -> dict:
    boss = add_user(live_runtime, "boss", "administrator", department="HQ")
    rep = add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, rep)
        for name, source, email in (
            ("展会甲公司", "展会", "a@jia.cn"),
            ("展会乙公司", "展会", "b@yi.cn"),
            ("网络丙公司", "网络", "c@bing.cn"),
        ):
            create_customer(ctx, CustomerCreate(name=name, source=source, email=email))
        ctx.user = load_principal(ctx.session, boss)
        template = create_template(
            ctx, TemplateIn(name="展会邀请", subject="邀请 {{ customer.name }}", body="您好！")
        )
        segment = save_view(
            ctx,
            "customer",
            SPEC.columns(ctx),
            name="展会客户",
            filters=[Filter(field="source", op="eq", value="展会")],
            sort="-updated_at",
            shown=["name"],
            shared=True,
            segment=True,
        )
    return {"template": template.id, "segment": segment.id}


def _account(page, live_server: str, controller) -> None:
    page.goto(live_server + "/mail/accounts")
    page.fill("#f-name", "我的邮箱")
    page.fill("#f-email", "rep@example.com")
    page.fill("#f-password", PASSWORD)
    page.fill("#f-smtp-host", "127.0.0.1")
    page.fill("#f-smtp-port", str(controller.port))
    page.select_option("#f-smtp-security", "none")
    page.click("#add-account")
    expect(page.locator("#account-list")).to_contain_text("rep@example.com")

    # Edit, save, reload: the edit is there, the password is not.
    page.click("[data-edit-account]")
    expect(page.locator("#f-name")).to_have_value("我的邮箱")
    expect(page.locator("#f-password")).to_have_value("")
    page.fill("#f-name", "华东销售邮箱")
    page.click("#save-account")
    expect(page.locator("#account-saved")).to_be_visible()
    page.reload()
    expect(page.locator("#f-name")).to_have_value("华东销售邮箱")
    expect(page.locator("#f-smtp-port")).to_have_value(str(controller.port))
    expect(page.locator("#f-password")).to_have_value("")
    assert PASSWORD not in page.content()


def test_a_rep_sets_up_an_account_and_sends_a_mass_mail(
    office, live_server, live_runtime, page, smtp
):
    controller, inbox = smtp
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    _account(page, live_server, controller)

    page.goto(live_server + "/mail/mass")
    page.select_option("#m-template", str(office["template"]))
    page.select_option("#m-kind", "customer")
    page.select_option("#m-view", str(office["segment"]))
    page.fill("#m-name", "展会邀请函")
    page.click("#mass-count-button")
    expect(page.locator("#mass-count")).to_contain_text("2 条记录，2 个地址")
    page.click("#mass-send")
    page.wait_for_url(live_server + "/mail/mass")
    _until(lambda: len(inbox.messages) == 2)
    assert sorted(r[0] for r, _ in inbox.messages) == ["a@jia.cn", "b@yi.cn"]
    row = page.locator("#mass-sends tr", has_text="展会邀请函")
    _reload_until(page, row.locator("[data-stat='sent']"), "2")
    expect(row.locator("[data-stat='opened']")).to_have_text("0")

    # A recipient opens the mail: its pixel (links point at KHT_PUBLIC_URL; the path is ours).
    _, message = inbox.messages[0]
    html = message.get_body(("html",)).get_content()
    pixel = urlsplit(html.split('<img src="')[1].split('"')[0]).path
    assert page.request.get(live_server + pixel).headers["content-type"] == "image/gif"
    _reload_until(page, row.locator("[data-stat='opened']"), "1")
