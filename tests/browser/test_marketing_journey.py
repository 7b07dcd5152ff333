"""The marketing journey in a real browser: create a campaign for a segment, book its costs
(a negative one is refused next to its field), launch it to the segment, and read its ROI
once a responding customer's deal is won."""

from __future__ import annotations

import pytest

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as, unfold

pytestmark = pytest.mark.browser


def _as(live_runtime, login: str):
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user

    ctx_manager = live_runtime.ctx()
    ctx = ctx_manager.__enter__()
    ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
    return ctx_manager, ctx


def _setup(live_runtime) -> dict[str, int]:
    """Two customers of a rep and a shared segment of customers."""
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.lists.api import columns_of
    from kht.lists.service import save_view

    manager, ctx = _as(live_runtime, "rep")
    try:
        ids = {
            name: create_customer(ctx, CustomerCreate(name=name, email=email)).id
            for name, email in (
                ("同方威视", "buy@nuctech.example.cn"),
                ("华东电器", "hd@example.cn"),
            )
        }
    finally:
        manager.__exit__(None, None, None)
    manager, ctx = _as(live_runtime, "boss")
    try:
        view = save_view(
            ctx,
            "customer",
            columns_of(ctx, "customer"),
            name="重点客户",
            filters=[],
            sort="-updated_at",
            shown=[],
            shared=True,
            segment=True,
        )
        ids["view"] = view.id
    finally:
        manager.__exit__(None, None, None)
    return ids


def _deal_won(live_runtime, campaign_id: int, customer_id: int) -> None:
    """The customer answers the campaign, then its rep wins a 3,000 deal."""
    from decimal import Decimal

    from kht.marketing.members import set_member
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import close_opportunity, create_opportunity

    manager, ctx = _as(live_runtime, "mkt")
    try:
        set_member(ctx, campaign_id, "customer", customer_id, "responded")
    finally:
        manager.__exit__(None, None, None)
    manager, ctx = _as(live_runtime, "rep")
    try:
        data = OpportunityCreate(name="安检门", customer_id=customer_id, amount=Decimal("3000"))
        opportunity = create_opportunity(ctx, data)
        close_opportunity(ctx, opportunity.id, won=True, version=opportunity.version)
    finally:
        manager.__exit__(None, None, None)


def test_create_a_campaign_add_costs_launch_it_and_read_its_roi(live_server, live_runtime, page):
    add_user(live_runtime, "boss", "administrator", department="HQ")
    add_user(live_runtime, "rep", "sales_rep", department="Sales")
    add_user(live_runtime, "mkt", "marketing", department="Marketing")
    ids = _setup(live_runtime)
    log_in_as(page, live_server, "mkt", TEST_PASSWORD)

    page.goto(f"{live_server}/campaigns/new")
    page.fill("#name", "新品邮件推广")
    page.select_option("#channel", "email")
    page.fill("#budget", "1000")
    page.fill("#start_date", "2026-03-01")
    page.fill("#end_date", "2026-02-01")
    page.select_option("#segment_view_id", str(ids["view"]))
    page.click("#save-campaign")
    # The end before the start is refused next to its field; the rest is kept.
    page.wait_for_selector("#end_date.is-invalid")
    page.fill("#end_date", "2026-03-31")
    page.click("#save-campaign")
    page.wait_for_selector("#campaign-money")
    campaign_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    assert "计划" in page.inner_text("#stage-path")

    unfold(page, "#campaign-costs")
    page.fill("#cost-form [name=amount]", "-5")
    page.click("#add-cost")
    page.wait_for_selector("#cost-form [name=amount].is-invalid", state="attached")
    for amount, supplier in (("600", "代理公司"), ("300", "设计工作室")):
        unfold(page, "#campaign-costs")
        page.fill("#cost-form [name=amount]", amount)
        page.fill("#cost-form [name=supplier]", supplier)
        page.click("#add-cost")
        page.wait_for_selector(f"#campaign-costs td:has-text('{supplier}')", state="attached")
    assert page.inner_text("#money-cost") == "¥900.00"
    assert page.inner_text("#money-remaining") == "¥100.00"

    unfold(page, "#campaign-launch")
    page.click("#launch")
    page.wait_for_selector("#campaign-launch p:has-text('2')", state="attached")
    unfold(page, "#campaign-funnel")
    assert page.inner_text("#funnel-members") == "2"

    _deal_won(live_runtime, campaign_id, ids["同方威视"])
    page.reload()
    assert page.inner_text("#money-revenue") == "¥3000.00"
    # (3,000 − 900) / 900 = 2.3333: a 233.3 % return.
    assert page.inner_text("#money-roi") == "233.3%"
    unfold(page, "#campaign-funnel")
    assert page.inner_text("#funnel-responded").startswith("1")

    # Edit the budget, save, reload: the new budget and what remains of it stay.
    page.goto(f"{live_server}/campaigns/{campaign_id}/edit")
    page.fill("#budget", "1500")
    page.click("#save-campaign")
    page.wait_for_url(f"{live_server}/campaigns/{campaign_id}")
    page.reload()
    assert page.inner_text("#money-budget") == "¥1500.00"
    assert page.inner_text("#money-remaining") == "¥600.00"

    # The campaign calendar shows it over its period.
    page.goto(f"{live_server}/campaigns/calendar")
    page.wait_for_selector("#calendar .fc-toolbar")
    page.evaluate("window.khtCalendar.gotoDate('2026-03-10')")
    page.locator("#calendar").get_by_text("新品邮件推广").first.wait_for()
