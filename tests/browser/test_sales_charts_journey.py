"""In a real browser: the forecast and funnel pages draw their ECharts charts (from the
vendored copy, no CDN) without a script error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kht.testing import TEST_PASSWORD, add_user
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _prepare(runtime) -> None:
    from kht.auth.principal import load_principal
    from kht.auth.service import find_user
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity
    from kht.sales.quotas import periods
    from kht.sales.quotas.schemas import QuotaCreate
    from kht.sales.quotas.service import create_quota

    add_user(runtime, "boss", "administrator", department="Sales", is_admin=True)
    add_user(runtime, "rep", "sales_rep", department="Sales/East")
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "rep").id)
        customer = create_customer(ctx, CustomerCreate(name="清华同方威视技术股份有限公司")).id
        today = ctx.now().date()
        create_opportunity(
            ctx,
            OpportunityCreate(
                name="安检门采购",
                customer_id=customer,
                amount=Decimal("50000"),
                expected_close=today,
            ),
        )
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "boss").id)
        create_quota(
            ctx,
            QuotaCreate(
                target_type="user",
                target_id=find_user(ctx.session, "rep").id,
                period="quarter",
                period_start=periods.period_of("quarter", today),
                amount=Decimal("100000"),
            ),
        )


def test_the_forecast_and_funnel_charts_draw(live_server, live_runtime, page):
    _prepare(live_runtime)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_as(page, live_server, "boss", TEST_PASSWORD)

    page.goto(f"{live_server}/forecast")
    page.wait_for_selector("#forecast-chart canvas")
    assert "East" in page.inner_text("#forecast-table")
    page.goto(f"{live_server}/funnel?start={date.today().replace(day=1).isoformat()}")
    page.wait_for_selector("#funnel-chart canvas")
    page.wait_for_selector("#conversion-chart canvas")
    assert page.locator("#funnel-table tr[data-stage='qualify']").count() == 1
    page.goto(f"{live_server}/quotas?period=quarter")
    assert page.locator("#quota-table").count() == 1
    assert errors == []
