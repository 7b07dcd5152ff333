"""The key account pack in the real browser: from the Pareto curve open a group account,
see its tree of subsidiaries, its health with the parts behind it, the agreement about to
need notice and the account plan's progress."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.orders.schemas import OrderCreate
from kht.sales.orders.service import create_order
from kht.sales.quotes.schemas import LineIn
from kht.testing import TEST_PASSWORD, add_user, serving
from tests.browser.conftest import log_in_as

pytestmark = pytest.mark.browser


def _group_with_plan(runtime, kam: int) -> tuple[int, int, int]:
    """A group with a subsidiary, its orders, an agreement needing notice in 20 days and a
    plan half reached; the nightly run done. Returns (group, subsidiary, agreement)."""
    from plugins.key_account import plans, service
    from plugins.key_account.health import run_nightly
    from plugins.key_account.schemas import AgreementCreate, ObjectiveIn, PlanCreate

    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, kam)
        today = ctx.today()
        group = create_customer(ctx, CustomerCreate(name="中国移动集团", kind="company")).id
        sub = create_customer(ctx, CustomerCreate(name="中国移动江苏", parent_id=group)).id
        line = LineIn(description="5G 专网", unit_price=Decimal("80000"), tax_rate=Decimal(0))
        create_order(ctx, OrderCreate(customer_id=sub, order_date=today, lines=[line]))
        agreement = service.create_agreement(
            ctx,
            AgreementCreate(
                customer_id=group,
                title="综合通信服务框架协议",
                start_date=today - timedelta(days=700),
                end_date=today + timedelta(days=50),
                notice_days=30,
                status="active",
            ),
        ).id
        plan = plans.create_plan(
            ctx,
            PlanCreate(
                customer_id=group,
                title="年度客户计划",
                period_start=today - timedelta(days=30),
                period_end=today + timedelta(days=300),
                status="active",
            ),
        ).id
        goal = ObjectiveIn(name="收入", target=Decimal("200000"), actual=Decimal("100000"))
        plans.add_objective(ctx, plan, goal)
        ctx.user = None
        run_nightly(ctx)
        ctx.session.commit()
    return group, sub, agreement


def test_open_a_group_account_see_tree_health_expiring_agreement_and_plan(
    kht_db_url, kht_runtime, page
):
    runtime = kht_runtime(("key_account",))
    kam = add_user(runtime, "kam", "sales_rep", department="Sales/East")
    group, sub, agreement = _group_with_plan(runtime, kam)
    with serving(kht_db_url) as url:
        log_in_as(page, url, "kam", TEST_PASSWORD)
        page.goto(url + "/key-accounts/pareto")
        page.wait_for_selector("#pareto-chart canvas, #pareto-chart svg")
        page.click(f"#pareto-table a[href='/customers/{group}']")
        page.wait_for_url(f"{url}/customers/{group}")

        page.wait_for_selector(f"#hierarchy-tree li[data-customer='{sub}']", state="attached")
        assert page.locator("#key-account-class").inner_text() == "A"
        health = int(page.locator("#key-account-health").inner_text())
        assert 0 < health <= 100
        assert page.locator("#key-account-health-parts tr").count() == 7
        expiring = page.locator(f"#key-account-agreements li[data-agreement='{agreement}']")
        assert expiring.locator(".key-account-expiring").inner_text() == "20 天后到最迟通知日"
        assert page.locator(".key-account-plan-progress").inner_text() == "50.0%"
