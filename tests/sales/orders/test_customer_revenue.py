"""orders.customer_revenue: a customer's order total since a day, for value models."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kht.sales.orders.schemas import OrderCreate, OrderUpdate
from kht.sales.orders.service import (
    create_order,
    customer_revenue,
    delete_order,
    get_order,
    update_order,
)
from kht.sales.quotes.schemas import LineIn


def place(shop, customer_id: int, amount: str, on: date) -> int:
    with shop.ctx("rep") as ctx:
        line = LineIn(description="设备", quantity=Decimal("3"), unit_price=Decimal(amount))
        data = OrderCreate(customer_id=customer_id, order_date=on, lines=[line])
        return create_order(ctx, data).id


def test_the_total_counts_live_orders_since_the_day_and_leaves_out_cancelled_ones(shop):
    customer_id = shop.customer("rep", "精工机械")
    other = shop.customer("rep", "别的客户")
    place(shop, customer_id, "0.10", date(2026, 1, 1))  # 0.30
    place(shop, customer_id, "1000.20", date(2026, 6, 30))  # 3,000.60
    place(shop, customer_id, "999", date(2025, 12, 31))  # before the day
    place(shop, other, "500", date(2026, 3, 1))  # another customer
    cancelled = place(shop, customer_id, "50", date(2026, 2, 1))
    deleted = place(shop, customer_id, "70", date(2026, 2, 1))
    with shop.ctx("rep") as ctx:
        order = get_order(ctx, cancelled)
        update_order(ctx, cancelled, OrderUpdate(version=order.version, status="cancelled"))
    with shop.ctx("boss") as ctx:
        delete_order(ctx, deleted)
    with shop.ctx(None) as ctx:  # read as the system: no user needed
        assert customer_revenue(ctx, customer_id, date(2026, 1, 1)) == Decimal("3000.90")
        assert customer_revenue(ctx, customer_id, date(2027, 1, 1)) == Decimal("0.00")
