"""The payment forecast: receivables by month from the orders' payment plans, payments
settling the oldest plans first, overdue what is still unpaid from before; scoped by orders."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import pytest

from kht.errors import ValidationError
from kht.sales.analysis.payments import payment_forecast
from kht.sales.orders import service as orders
from kht.sales.orders.schemas import OrderCreate, PaymentIn, PlanIn
from kht.sales.quotes.schemas import LineIn


def order(sales, login: str, total: str, plan: list[tuple[date, str]], paid=()) -> int:
    with sales.ctx(login) as ctx:
        line = LineIn(description="设备", quantity=Decimal("1"), unit_price=Decimal(total))
        line.tax_rate = Decimal("0")
        made = orders.create_order(
            ctx,
            OrderCreate(
                customer_id=sales.customers[login], order_date=date(2026, 9, 1), lines=[line]
            ),
        )
        for due, amount in plan:
            orders.add_plan(ctx, made.id, PlanIn(due_date=due, amount=Decimal(amount)))
        for received, amount in paid:
            orders.add_payment(
                ctx, made.id, PaymentIn(received_on=received, amount=Decimal(amount))
            )
        return made.id


@pytest.fixture
def receivables(sales):
    order(
        sales,
        "rep1",
        "10000.00",
        [
            (date(2026, 9, 15), "1000.00"),
            (date(2026, 10, 15), "2000.00"),
            (date(2026, 11, 15), "3000.00"),
            (date(2026, 12, 15), "4000.00"),
        ],
        paid=[(date(2026, 11, 2), "4000.00")],
    )
    order(sales, "rep2", "500.00", [(date(2026, 9, 20), "500.00")])


def months_of(sales, login, **kwargs):
    with sales.ctx(login) as ctx:
        return payment_forecast(ctx, date(2026, 10, 1), 3, **kwargs)


def test_payments_settle_the_oldest_plans_first(sales, receivables):
    result = months_of(sales, "rep1")
    assert [(m.label, m.planned, m.received, m.expected) for m in result.months] == [
        ("2026-10", Decimal("2000.00"), Decimal("0.00"), Decimal("0.00")),
        ("2026-11", Decimal("3000.00"), Decimal("4000.00"), Decimal("2000.00")),
        ("2026-12", Decimal("4000.00"), Decimal("0.00"), Decimal("4000.00")),
    ]
    assert result.expected_total == Decimal("6000.00")
    assert result.overdue == Decimal("0.00")  # September's plan was paid by November's payment


def test_overdue_and_scope(sales, receivables):
    assert months_of(sales, "admin").overdue == Decimal("500.00")
    assert months_of(sales, "rep2").overdue == Decimal("500.00")
    assert months_of(sales, "rep2").expected_total == Decimal("0.00")
    assert months_of(sales, "rep1").overdue == Decimal("0.00")


def test_bad_input_and_the_api(sales, receivables):
    with sales.ctx("admin") as ctx, pytest.raises(ValidationError) as error:
        payment_forecast(ctx, date(2026, 10, 2), 3)
    assert error.value.field == "start"
    api = sales.client("rep1")
    response = api.get("/api/v1/forecast/payments", params={"start": "2026-10-01", "months": 3})
    assert response.status_code == 200, response.text
    assert [m["expected"] for m in response.json()["months"]] == ["0.00", "2000.00", "4000.00"]
    too_many = api.get("/api/v1/forecast/payments", params={"months": 99})
    assert too_many.status_code == 422 and too_many.json()["field"] == "months"
    assert sales.client("mkt").get("/api/v1/forecast/payments").status_code == 403


def test_without_the_orders_forecast_the_tables_are_read_the_same_way(
    sales, receivables, monkeypatch
):
    expected = [months_of(sales, login) for login in ("rep1", "admin")]
    monkeypatch.setitem(sys.modules, "kht.sales.orders.service", None)  # an older orders module
    assert [months_of(sales, login) for login in ("rep1", "admin")] == expected
