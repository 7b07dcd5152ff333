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
