"""In-store promotions: uplift against a control group (worked examples from reported sales
and from the outlets' orders), cost claims and their approval, and the refusals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kht.plugin_api import Conflict, Forbidden, ValidationError
from kht.sales.orders.schemas import OrderCreate
from kht.sales.orders.service import create_order
from kht.sales.quotes.schemas import LineIn
from plugins.promotion import promotions
from plugins.promotion.schemas import ClaimCreate, PromotionCreate, SaleIn
from tests.plugins.promotion.conftest import MORNING

START, END = date(2026, 6, 8), date(2026, 6, 14)
LATER = MORNING + timedelta(days=10)  # the week after the promotion is over


def sell(field, outlet: int, first: date, days: int, amount: str) -> None:
    with field.at("admin") as ctx:
        for offset in range(days):
            day = first + timedelta(days=offset)
            promotions.report_sale(
                ctx, SaleIn(outlet_id=outlet, sold_on=day, amount=Decimal(amount))
            )


def test_uplift_is_the_promoted_outlets_change_against_the_control_groups(field):
    promoted = [
        field.outlet(f"促销店{i}", "rep1", outlet_type="supermarket", grade="A") for i in (1, 2)
    ]
    control = [
        field.outlet(f"对照店{i}", "rep1", outlet_type="supermarket", grade="A") for i in (1, 2)
    ]
    other = field.outlet("便利店", "rep1", outlet_type="convenience", grade="A")  # not alike
    for outlet in promoted:
        sell(field, outlet, START - timedelta(days=7), 7, "100")  # before: 100 a day
        sell(field, outlet, START, 7, "150")  # during: 150 a day
        sell(field, outlet, END + timedelta(days=1), 7, "120")  # after: 120 a day
    for outlet in control:
        sell(field, outlet, START - timedelta(days=7), 21, "100")
        sell(field, outlet, START, 7, "110")  # the market rose 10% meanwhile
    sell(field, other, START, 7, "999")
    with field.at("east_mgr", LATER) as ctx:
        data = PromotionCreate(
            name="夏日买赠", mechanic="gift", start_on=START, end_on=END,
            budget=Decimal("5000"), outlets=promoted,
        )  # fmt: skip
        promotion = promotions.create_promotion(ctx, data).id
        claim = promotions.create_claim(
            ctx, ClaimCreate(promotion_id=promotion, amount=Decimal("280"))
        ).id
        promotions.create_claim(ctx, ClaimCreate(promotion_id=promotion, amount=Decimal("999")))
        promotions.decide_claim(ctx, claim, True)
        result = promotions.refresh_uplift(ctx, promotion)
        assert promotions.get_promotion(ctx, promotion).uplift_pct == Decimal("36.36")
        assert promotions.get_promotion(ctx, promotion).cost_approved == Decimal("280.00")
    assert (result.promoted_outlets, result.control_outlets) == (2, 2)
    assert result.promoted == {
        "before": Decimal("100.00"),
        "during": Decimal("150.00"),
        "after": Decimal("120.00"),
    }
    assert result.control["during"] == Decimal("110.00")
    # (150 / 100) / (110 / 100) - 1 = 36.36%; after: (120 / 100) / (100 / 100) - 1 = 20%.
    assert result.uplift_pct == Decimal("36.36") and result.after_pct == Decimal("20.00")
    # Expected without the promotion: 100 x 1.1 = 110 a day; 40 more x 7 days x 2 outlets.
    assert result.incremental_sales == Decimal("560.00")
    assert result.cost == Decimal("280.00") and result.roi == Decimal("2.00")


def test_no_uplift_without_sales_before(field):
    outlet = field.outlet("新店", "rep1")
    with field.at("east_mgr") as ctx:
        data = PromotionCreate(name="试饮", start_on=START, end_on=END, outlets=[outlet])
        result = promotions.uplift(ctx, promotions.create_promotion(ctx, data).id)
    assert result.uplift_pct is None and result.roi is None


def test_claims_need_a_manager_to_decide_and_are_decided_once(field):
    outlet = field.outlet("店", "rep1")
    with field.at("east_mgr") as ctx:
        data = PromotionCreate(name="陈列", start_on=START, end_on=END, outlets=[outlet])
        promotion = promotions.create_promotion(ctx, data)
        ctx.session.flush()
        promotion.owner_id = field.users["rep1"]
    with field.at("rep1") as ctx:
        claim = promotions.create_claim(
            ctx, ClaimCreate(promotion_id=promotion.id, amount=Decimal("50"))
        ).id
        with pytest.raises(Forbidden):
            promotions.decide_claim(ctx, claim, True)
        with pytest.raises(ValidationError) as refused:
            promotions.create_claim(
                ctx, ClaimCreate(promotion_id=promotion.id, amount=Decimal("-1"))
            )
        assert refused.value.field == "amount"
    with field.at("east_mgr") as ctx:
        promotions.decide_claim(ctx, claim, False)
        with pytest.raises(Conflict):
            promotions.decide_claim(ctx, claim, True)
        assert promotions.approved_cost(ctx, promotion.id) == Decimal("0.00")


def test_a_promotion_ending_before_it_starts_is_refused(field):
    with field.at("east_mgr") as ctx, pytest.raises(ValidationError) as refused:
        promotions.create_promotion(ctx, PromotionCreate(name="错", start_on=END, end_on=START))
    assert refused.value.field == "end_on"


def order(field, outlet: int, day: date, amount: str) -> None:
    """An order of the outlet's customer on `day` (one hand-priced line, no tax)."""
    from plugins.promotion.models import Outlet

    with field.at("admin") as ctx:
        customer = ctx.session.get(Outlet, outlet).customer_id
        line = LineIn(description="清泉 550ml", unit_price=Decimal(amount), tax_rate=Decimal(0))
        create_order(ctx, OrderCreate(customer_id=customer, order_date=day, lines=[line]))


def test_uplift_from_orders_uses_the_outlets_real_orders_against_the_control_group(field):
    promoted = field.outlet("订单促销店", "rep1", outlet_type="supermarket", grade="B")
    control = field.outlet("订单对照店", "rep1", outlet_type="supermarket", grade="B")
    idle = field.outlet("不下单店", "rep1", outlet_type="supermarket", grade="B")
    # Before: 700 a week each (one order of 700); during: 1,400 against 770; a cancelled
    # order and reported sales do not count.
    order(field, promoted, START - timedelta(days=3), "700")
    order(field, control, START - timedelta(days=5), "700")
    order(field, promoted, START + timedelta(days=1), "1400")
    order(field, control, START + timedelta(days=2), "770")
    order(field, promoted, START + timedelta(days=3), "5000")
    sell(field, promoted, START, 7, "999")
    with field.at("admin") as ctx:
        from kht.sales.orders.schemas import OrderUpdate
        from kht.sales.orders.service import orders_of, update_order
        from plugins.promotion.models import Outlet

        customer = ctx.session.get(Outlet, promoted).customer_id
        big = next(o for o in orders_of(ctx, customer_id=customer) if o.total == Decimal("5000"))
        update_order(ctx, big.id, OrderUpdate(version=big.version, status="cancelled"))
    with field.at("east_mgr", LATER) as ctx:
        data = PromotionCreate(
            name="订单口径", start_on=START, end_on=END, outlets=[promoted], sell_through="orders"
        )
        promotion = promotions.create_promotion(ctx, data).id
        result = promotions.refresh_uplift(ctx, promotion)
        reported = promotions.uplift(ctx, promotion, "reported")
        assert promotions.get_promotion(ctx, promotion).uplift_pct == Decimal("81.82")
    assert result.source == "orders" and (result.promoted_outlets, result.control_outlets) == (1, 1)
    assert idle not in promotions_control(field, promotion)
    # 1,400 / 7 = 200 a day against 100 before; the control 110 against 100:
    # (200 / 100) / (110 / 100) - 1 = 81.82%; expected 110 a day, 90 more x 7 days = 630.
    assert result.promoted == {
        "before": Decimal("100.00"),
        "during": Decimal("200.00"),
        "after": Decimal("0.00"),
    }
    assert result.control["during"] == Decimal("110.00")
    assert result.uplift_pct == Decimal("81.82") and result.incremental_sales == Decimal("630.00")
    # The same promotion read from reported sales has none before: no uplift, no control.
    assert reported.source == "reported" and reported.uplift_pct is None


def promotions_control(field, promotion_id: int) -> list[int]:
    with field.at("east_mgr", LATER) as ctx:
        record = promotions.get_promotion(ctx, promotion_id)
        return promotions.control_outlets(ctx, record, promotions.outlet_ids(ctx, promotion_id))


def test_an_unknown_sell_through_source_is_refused_naming_it(field):
    outlet = field.outlet("口径店", "rep1")
    with field.at("east_mgr") as ctx:
        data = PromotionCreate(name="口径", start_on=START, end_on=END, outlets=[outlet])
        promotion = promotions.create_promotion(ctx, data).id
        with pytest.raises(ValidationError) as refused:
            promotions.uplift(ctx, promotion, "rumours")
    assert refused.value.field == "source"
    answer = field.client("east_mgr").get(
        f"/api/v1/promotion/promotions/{promotion}/uplift?source=rumours"
    )
    assert answer.status_code == 422 and answer.json()["field"] == "source"
    bad = field.client("east_mgr").post(
        "/api/v1/promotions",
        json={"name": "x", "start_on": "2026-06-01", "end_on": "2026-06-02", "sell_through": "x"},
    )
    assert bad.status_code in (400, 422)
