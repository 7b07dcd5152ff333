"""A service rep takes a ticket from the queue, replies, resolves it; the customer answers
the survey through the mailed link (no login), and the rep sees the result on the ticket."""

from __future__ import annotations

from dataclasses import replace

import msgspec
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kht.auth.principal import load_principal
from kht.service import queues, survey, tickets
from kht.service.models import Ticket
from kht.service.schemas import QueueIn, TicketCreate
from kht.testing import LIVE_SERVER_SECRET_KEY, TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


@pytest.fixture
def ticket_id(live_runtime) -> int:
    boss = add_user(live_runtime, "boss", "administrator", department="HQ")
    rep = add_user(live_runtime, "svc", "service", department="Service")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, boss)
        queue = queues.save_queue(
            ctx, QueueIn(name="软件支持", strategy="manual", member_ids=[rep])
        )
        data = TicketCreate(
            subject="报表导出乱码",
            queue_id=queue.id,
            requester_name="钱女士",
            requester_email="qian@client.cn",
            description="导出的 Excel 打开是乱码。",
        )
        return tickets.create_ticket(ctx, data).id


def _survey_path(live_runtime, ticket_id: int) -> str:
    # The link the survey mail carries, signed with the live server's key.
    with live_runtime.ctx() as ctx:
        ticket = ctx.session.scalar(select(Ticket).where(Ticket.id == ticket_id))
        signed = replace(
            ctx, settings=msgspec.structs.replace(ctx.settings, secret_key=LIVE_SERVER_SECRET_KEY)
        )
        return "/forms/" + survey.link(signed, ticket).split("/forms/", 1)[1]


def test_take_reply_resolve_and_see_the_survey_result(
    ticket_id, live_server, live_runtime, page, another_tab
):
    log_in_as(page, live_server, "svc", TEST_PASSWORD)
    page.goto(live_server + "/tickets")
    page.get_by_role("link", name="报表导出乱码").first.click()
    page.wait_for_url(f"{live_server}/tickets/{ticket_id}")
    expect(page.locator("#ticket-sla")).to_be_visible()
    page.click("#take-ticket")
    expect(page.locator("#take-ticket")).to_have_count(0)
    page.fill("#entry-body", "请把文件另存为 UTF-8 后再打开。")
    page.click("#entry-send")
    expect(page.locator("#ticket-conversation")).to_contain_text("另存为 UTF-8")
    page.fill("#resolve-form input[name=resolution]", "指导客户更改编码后恢复正常。")
    page.click("#resolve-form button[type=submit]")
    expect(page.locator("#ticket-status")).to_contain_text("已解决")

    customer = another_tab()
    customer.goto(live_server + _survey_path(live_runtime, ticket_id))
    customer.check("#score-5")
    customer.fill("#comment", "很专业")
    customer.click("#survey-send")
    expect(customer.locator("#survey-thanks")).to_be_visible()

    page.reload()
    expect(page.locator("#satisfaction-score")).to_have_text("5")
    expect(page.locator("#satisfaction-comment")).to_have_text("很专业")


def test_edit_a_queue_and_a_policy_on_the_setup_page_and_reload(ticket_id, live_server, page):
    # `ticket_id` made the queue 软件支持 (manual) with the rep svc as its member.
    log_in_as(page, live_server, "boss", TEST_PASSWORD)
    page.goto(live_server + "/admin/service")
    row = page.locator("#queue-table tr", has=page.locator("input[value='软件支持']"))
    queue_form = row.locator("select[name=strategy]").get_attribute("form")
    row.locator("input[name=name]").fill("软件与授权")
    row.locator("select[name=strategy]").select_option("least_open")
    page.click(f"#{queue_form} button")
    expect(page.locator("#notice")).to_be_visible()
    page.fill("#policy-name", "紧急工单")
    page.select_option("#policy-priority", "urgent")
    page.fill("#policy-response", "30")
    page.fill("#policy-resolution", "10")  # shorter than the response: refused
    page.click("#add-policy")
    expect(page.locator("#form-error")).to_have_attribute("data-field", "resolution_minutes")
    expect(page.locator("#policy-name")).to_have_value("紧急工单")
    page.fill("#policy-resolution", "240")
    page.click("#add-policy")
    expect(page.locator("#notice")).to_be_visible()
    policy = page.locator("#policy-table tr", has=page.locator("input[value='紧急工单']"))
    policy.locator("input[name=resolution_minutes]").fill("300")
    page.click(f"#{policy.locator('input[name=name]').get_attribute('form')} button")
    expect(page.locator("#notice")).to_be_visible()

    page.reload()
    queue = page.locator("#queue-table tr", has=page.locator("input[value='软件与授权']"))
    expect(queue.locator("select[name=strategy]")).to_have_value("least_open")
    policy = page.locator("#policy-table tr", has=page.locator("input[value='紧急工单']"))
    expect(policy.locator("input[name=first_response_minutes]")).to_have_value("30")
    expect(policy.locator("input[name=resolution_minutes]")).to_have_value("300")
