"""A rep sees the bell count, finds a planned visit in the calendar and clicks through."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kht.actions.models import Notification
from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import AROUND_MIDNIGHT_IN_BEIJING, log_in_as

pytestmark = pytest.mark.browser


# The week view shows the user's week on both sides of midnight in Beijing.
@AROUND_MIDNIGHT_IN_BEIJING
def test_the_calendar_shows_a_planned_visit_and_opens_its_customer(
    live_server, live_runtime, page, viewport
):
    add_user(live_runtime, "east_rep", "sales_rep", department="Sales/East")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "east_rep").id)
        customer = create_customer(ctx, CustomerCreate(name="上海华东电器集团"))
        due = ctx.day_start(ctx.today()) + timedelta(hours=12)  # noon of the user's today
        log_action(
            ctx,
            ActionCreate(
                kind="customer",
                record_id=customer.id,
                type="visit",
                subject="上门演示",
                status="planned",
                due_at=due,
                remind_at=due - timedelta(hours=1),
            ),
        )
        customer_id = customer.id
        ctx.session.add(
            Notification(
                user_id=ctx.user.id, title="提醒：上门演示", url=f"/customers/{customer_id}"
            )
        )

    log_in_as(page, live_server, "east_rep", TEST_PASSWORD)
    bell = page.locator("#notification-bell #unread-count")
    bell.wait_for()
    assert bell.inner_text() == "1"
    page.goto(live_server + "/calendar")
    event = page.locator(".fc-event", has_text="上门演示")
    event.first.wait_for()
    assert page.locator(".fc-dayGridMonth-button").count() == 1
    if viewport == "desktop":
        page.click(".fc-timeGridWeek-button")
        visit = page.locator(".fc-timegrid-event", has_text="上门演示").first
    else:  # a phone opens on the week as a list (a time grid is unreadable at 390 px)
        visit = page.locator(".fc-list-event", has_text="上门演示").first
    visit.click()
    page.wait_for_url(f"{live_server}/customers/{customer_id}")
