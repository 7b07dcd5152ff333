"""The pipeline board with real mouse drags: dragging a won card back asks first; called off,
nothing moves; confirmed, the opportunity is reopened (and audited as a reopen)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.opportunities import service as opportunities
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import drag, log_in_as

pytestmark = pytest.mark.browser


def _won_opportunity(live_runtime) -> int:
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        customer = create_customer(ctx, CustomerCreate(name="杭州电子")).id
        data = OpportunityCreate(name="网关采购", customer_id=customer, amount=Decimal("9000.00"))
        opportunity = opportunities.create_opportunity(ctx, data)
        # Closed by the system (no version): no stage gate in the way of the setup.
        return opportunities.close_opportunity(ctx, opportunity.id, won=True).id


def _status(live_runtime, opportunity_id: int) -> str:
    with live_runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        return opportunities.get_opportunity(ctx, opportunity_id).status


def test_dragging_a_won_card_back_asks_and_reopens(live_server, live_runtime, page):
    opportunity_id = _won_opportunity(live_runtime)
    log_in_as(page, live_server, "rep", TEST_PASSWORD)
    page.goto(f"{live_server}/opportunities/board")
    card = page.locator(f"article.board-card[data-id='{opportunity_id}']")
    won_column = page.locator("section.kht-board-column[data-outcome='won'] .board-cards")
    first_column = page.locator("section.kht-board-column").first.locator(".board-cards")
    expect(won_column.locator(card)).to_have_count(1)

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    drag(page, card, first_column)
    expect(won_column.locator("article.board-card")).to_have_count(1)  # put back
    assert questions and "重新打开" in questions[0]
    assert _status(live_runtime, opportunity_id) == "won"

    page.reload()  # what the server says: still won
    expect(won_column.locator(card)).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_response("**/move") as moved:
        drag(page, card, first_column)
    assert moved.value.status == 200
    expect(first_column.locator(card)).to_have_count(1)
    assert _status(live_runtime, opportunity_id) == "open"
