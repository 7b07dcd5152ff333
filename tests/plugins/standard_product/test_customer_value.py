"""Customer value = potential (0..40) + revenue (0..30) + engagement (0..30): the README's
worked examples E, F and G, exactly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from kht.actions.schemas import ActionCreate
from kht.actions.service import log_action
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.sales.orders.schemas import OrderCreate, OrderUpdate
from kht.sales.orders.service import create_order, get_order, update_order
from kht.sales.quotes.schemas import LineIn
from kht.value.service import score_record, scores_of
from plugins.standard_product.service import revenue_part
from tests.plugins.standard_product.conftest import NOW

FULL = {
    "industry": "machinery",
    "company_size": "staff_200_999",
    "product_interest": ["equipment"],
}


def customer(shop, values: dict) -> int:
    with shop.at("admin") as ctx:
        data = CustomerCreate(name="华远机械", ext={"standard_product": values} if values else {})
        return create_customer(ctx, data).id


def order(shop, customer_id: int, amount: str, days_ago: int = 0) -> int:
    with shop.at("admin") as ctx:
        line = LineIn(description="整机", quantity=Decimal("1"), unit_price=Decimal(amount))
        data = OrderCreate(
            customer_id=customer_id,
            order_date=NOW.date() - timedelta(days=days_ago),
            lines=[line],
        )
        return create_order(ctx, data).id


def act(shop, customer_id: int, type_: str, days_ago: int) -> None:
    with shop.at("admin", NOW - timedelta(days=days_ago)) as ctx:
        log_action(
            ctx, ActionCreate(kind="customer", record_id=customer_id, type=type_, subject="拜访")
        )


def value(shop, customer_id: int, rescore: bool = True) -> tuple[str, list[tuple[str, str]]]:
    with shop.at("admin") as ctx:
        if rescore:
            score_record(ctx, "customer", customer_id)
        (score,) = scores_of(ctx, "customer", customer_id)
    assert score.model_key == "standard_product.customer_value"
    return score.score, [(p.label_en, p.points) for p in score.parts]


def test_example_e_potential_and_engagement_without_orders(shop):
    shop.settings()
    customer_id = customer(shop, {"industry": "automotive", "company_size": "staff_50_199"})
    act(shop, customer_id, "visit", 20)
    score, parts = value(shop, customer_id)
    assert score == "20.00"  # industry 15 + size 0 + products 0 + revenue 0 + visit 10 x 0.5
    assert parts == [
        ("Potential · Industry", "15.00"),
        ("Potential · Company size", "0.00"),
        ("Potential · Product interest", "0.00"),
        ("Revenue", "0.00"),
        ("Engagement", "5.00"),
    ]


def test_example_f_revenue_of_the_last_12_months_against_the_target(shop):
    shop.settings(revenue_target=Decimal("1000000"))
    customer_id = customer(shop, FULL)
    order(shop, customer_id, "300000", days_ago=60)
    order(shop, customer_id, "200000")
    order(shop, customer_id, "900000", days_ago=400)  # older than 12 months: not counted
    cancelled = order(shop, customer_id, "250000", days_ago=10)
    with shop.at("admin") as ctx:
        version = get_order(ctx, cancelled).version
        update_order(ctx, cancelled, OrderUpdate(version=version, status="cancelled"))
    act(shop, customer_id, "meeting", 3)
    score, parts = value(shop, customer_id)
    # potential 15 + 15 + 10 = 40; revenue 500,000 / 1,000,000 x 30 = 15; meeting 10
    assert score == "65.00"
    assert parts == [
        ("Potential · Industry", "15.00"),
        ("Potential · Company size", "15.00"),
        ("Potential · Product interest", "10.00"),
        ("Revenue", "15.00"),
        ("Engagement", "10.00"),
    ]


def test_example_g_revenue_and_engagement_are_capped_at_30(shop):
    shop.settings(revenue_target=Decimal("1000000"))
    customer_id = customer(shop, {})
    order(shop, customer_id, "1500000", days_ago=364)
    for _ in range(5):
        act(shop, customer_id, "meeting", 1)
    score, parts = value(shop, customer_id)
    assert score == "60.00"  # potential 0 + revenue 30 (capped) + engagement 50 capped at 30
    assert parts[3:] == [("Revenue", "30.00"), ("Engagement", "30.00")]


def test_revenue_points_are_rounded_to_the_cent_and_explained():
    part = revenue_part(Decimal("123456.78"), Decimal("1000000"))
    assert part.points == Decimal("3.70")  # 123,456.78 / 1,000,000 x 30 = 3.7037...
    assert (
        part.explanation_en == "orders of the last 12 months 123,456.78 of the target 1,000,000.00"
    )
    assert part.explanation == "近12个月订单 123,456.78 / 目标 1,000,000.00"
    full = revenue_part(Decimal("2000000"), Decimal("1000000"))
    assert full.points == Decimal("30.00") and full.explanation_en.endswith("(full points)")


def test_placing_or_cancelling_an_order_recomputes_the_customer_value(shop):
    shop.settings(revenue_target=Decimal("100000"))
    customer_id = customer(shop, {})
    order_id = order(shop, customer_id, "50000")
    assert value(shop, customer_id, rescore=False)[0] == "15.00"
    with shop.at("admin") as ctx:
        version = get_order(ctx, order_id).version
        update_order(ctx, order_id, OrderUpdate(version=version, status="cancelled"))
    assert value(shop, customer_id, rescore=False)[0] == "0.00"


def test_the_revenue_target_is_checked_and_named_when_bad(shop):
    with shop.client("admin") as api:
        current = {**api.get("/api/v1/standard_product/settings").json(), "routing": "none"}
        assert current["revenue_target"] == "1000000"
        for bad in ("0", "-5", "abc", "NaN"):
            response = api.put(
                "/api/v1/standard_product/settings", json={**current, "revenue_target": bad}
            )
            assert response.status_code == 422, (bad, response.text)
            assert response.json()["field"] == "revenue_target"
        saved = api.put(
            "/api/v1/standard_product/settings", json={**current, "revenue_target": "250000.50"}
        )
        assert saved.status_code == 200, saved.text
        assert saved.json()["revenue_target"] == "250000.50"
