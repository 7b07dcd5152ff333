"""The account team across regions: a rep of another branch put on the customer's record
team sees the key account, its agreements and plans (not before, not after being taken
off); a rep without scope over a subsidiary does not see its agreements through the group.
The customer 360 page shows the account's class, health, expiring agreement and plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kht.plugin_api import add_team_member, remove_team_member
from plugins.key_account.plans import add_objective, create_plan
from plugins.key_account.schemas import ObjectiveIn, PlanCreate
from plugins.key_account.service import account_of_customer


def test_a_member_from_another_branch_sees_the_account_through_the_team(operator):
    group = operator.company("中国电信集团", owner="rep1")
    operator.order(group, "1000")
    agreement = operator.agreement(group, date(2026, 12, 31))
    operator.nightly()
    with operator.on() as ctx:
        account = account_of_customer(ctx, group).id
    paths = [f"/api/v1/key-accounts/{account}", f"/api/v1/key-account-agreements/{agreement}"]
    with operator.client("west_rep") as west:
        assert [west.get(p).status_code for p in paths] == [404, 404]
        assert west.get("/api/v1/key-account-agreements").json()["total"] == 0
    with operator.on(login="rep1") as ctx:
        add_team_member(ctx, "customer", group, operator.users["west_rep"], role="西区技术经理")
    with operator.client("west_rep") as west:
        assert [west.get(p).status_code for p in paths] == [200, 200]
        assert west.get("/api/v1/key-account-agreements").json()["total"] == 1
        # Read access only: the member may not change the agreement.
        body = {"version": 1, "title": "改名"}
        assert west.patch(paths[1], json=body).status_code in (403, 404)
    with operator.on(login="rep1") as ctx:
        remove_team_member(ctx, "customer", group, operator.users["west_rep"])
    with operator.client("west_rep") as west:
        assert [west.get(p).status_code for p in paths] == [404, 404]


def test_a_subsidiary_out_of_scope_stays_hidden_through_the_group(operator):
    group = operator.company("中国联通集团", owner="rep1")
    west_sub = operator.company("联通西区公司", owner="west_rep", parent=group)
    hidden = operator.agreement(west_sub, date(2026, 7, 31))
    shown = operator.agreement(group, date(2026, 8, 31))
    with operator.browser("rep1") as page:
        html = page.get(f"/customers/{group}").text
    assert f'data-agreement="{shown}"' in html
    assert f'data-agreement="{hidden}"' not in html


def test_the_customer_page_shows_class_health_the_expiring_agreement_and_plan_progress(
    operator,
):
    group = operator.company("中国移动集团", owner="rep1")
    sub = operator.company("中国移动江苏", owner="rep1", parent=group)
    operator.order(sub, "5000")
    expiring = operator.agreement(sub, date(2026, 7, 31), notice_days=30)
    with operator.on() as ctx:
        plan = create_plan(
            ctx,
            PlanCreate(
                customer_id=group,
                title="2026 年度客户计划",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                status="active",
            ),
        )
        add_objective(
            ctx, plan.id, ObjectiveIn(name="收入", target=Decimal("10000"), actual=Decimal("5000"))
        )
        add_objective(
            ctx, plan.id, ObjectiveIn(name="新业务", target=Decimal("2"), actual=Decimal("3"))
        )
    operator.nightly()
    with operator.browser("rep1") as page:
        html = page.get(f"/customers/{group}").text
    assert 'id="key-account-panel"' in html
    assert 'id="key-account-class">A<' in html
    assert 'id="key-account-health-parts"' in html
    assert f'data-agreement="{expiring}"' in html and "key-account-expiring" in html
    assert '<span class="key-account-plan-progress">75.0%</span>' in html


def test_the_generated_lists_name_the_customer_not_its_id(operator):
    group = operator.company("中国联通集团", owner="rep1")
    operator.agreement(group, date(2026, 12, 31))
    operator.usage(group, date(2026, 11, 1), "500")
    with operator.browser("rep1") as page:
        for path in ("/key-account-agreements", "/key-account-consumption"):
            listing = page.get(path)
            assert listing.status_code == 200, path
            assert "中国联通集团" in listing.text, path
