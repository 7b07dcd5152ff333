"""The orders API: direct orders, status, the payment plan and payments (never over the
total), scope, and the month-by-month expected payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kht.sales.orders.service import expected_payments


def _order(shop, login: str, customer: int, lines: list[dict], **values) -> dict:
    with shop.client(login) as client:
        response = client.post(
            "/api/v1/orders", json={"customer_id": customer, "lines": lines, **values}
        )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_order_entered_directly_is_priced_like_a_quote(shop):
    customer = shop.customer("rep", "客户")
    order = _order(
        shop,
        "rep",
        customer,
        [{"product_id": shop.products["P-33"], "quantity": "3", "discount_rate": "0.10"}],
        order_date="2026-04-02",
    )
    assert order["number"] == "O2026-000001"
    assert order["total"] == "101.69" and order["tax_total"] == "11.70"
    assert order["status"] == "open" and order["quote_id"] is None
    second = _order(shop, "rep", customer, [], order_date="2026-06-02")
    assert second["number"] == "O2026-000002"


def test_bad_order_input_names_the_field(shop):
    mine, theirs = shop.customer("rep", "我的"), shop.customer("other_rep", "别人的")
    with shop.client("rep") as client:
        hidden = client.post("/api/v1/orders", json={"customer_id": theirs})
        assert hidden.status_code == 422 and hidden.json()["field"] == "customer_id"
        negative = client.post(
            "/api/v1/orders",
            json={
                "customer_id": mine,
                "lines": [{"description": "x", "unit_price": "1", "quantity": "-2"}],
            },
        )
        assert negative.status_code == 422 and negative.json()["field"] == "lines[0].quantity"
        status = client.post("/api/v1/orders", json={"customer_id": mine, "status": "open"})
        assert status.status_code == 422 and status.json()["field"] == "status"


def test_the_payment_plan_and_payments_never_exceed_the_total(shop):
    customer = shop.customer("rep", "客户")
    order = _order(shop, "rep", customer, [{"description": "设备", "unit_price": "1000.00"}])
    url = f"/api/v1/orders/{order['id']}"
    with shop.client("rep") as client:
        first = client.post(f"{url}/plan", json={"due_date": "2026-01-15", "amount": "300.00"})
        assert first.status_code == 201, first.text
        second = client.post(f"{url}/plan", json={"due_date": "2026-03-15", "amount": "700.00"})
        assert second.status_code == 201
        over = client.post(f"{url}/plan", json={"due_date": "2026-04-01", "amount": "0.01"})
        assert over.status_code == 422 and over.json()["field"] == "amount"
        zero = client.post(f"{url}/plan", json={"due_date": "2026-04-01", "amount": "0"})
        assert zero.status_code == 422 and zero.json()["field"] == "amount"
        paid = client.post(
            f"{url}/payments", json={"received_on": "2026-01-20", "amount": "400.00"}
        )
        assert paid.status_code == 201
        assert client.get(url).json()["paid_total"] == "400.00"
        too_much = client.post(
            f"{url}/payments", json={"received_on": "2026-02-01", "amount": "600.01"}
        )
        assert too_much.status_code == 422 and too_much.json()["field"] == "amount"
        rest = client.post(
            f"{url}/payments", json={"received_on": "2026-02-01", "amount": "600.00"}
        )
        assert rest.status_code == 201
        body = client.get(url).json()
        assert body["paid_total"] == "1000.00" and body["planned_total"] == "1000.00"
        assert [p["amount"] for p in body["payments"]] == ["400.00", "600.00"]
        removed = client.delete(f"{url}/payments/{rest.json()['id']}")
        assert removed.status_code == 204
        assert client.get(url).json()["paid_total"] == "400.00"
        cheaper = client.patch(
            url,
            json={
                "version": client.get(url).json()["version"],
                "lines": [{"description": "x", "unit_price": "500"}],
            },
        )
        assert cheaper.status_code == 422 and cheaper.json()["field"] == "lines"
        client.delete(f"{url}/plan/{second.json()['id']}")
        cheaper = client.patch(
            url,
            json={
                "version": client.get(url).json()["version"],
                "lines": [{"description": "x", "unit_price": "500"}],
            },
        )
        assert cheaper.status_code == 200 and cheaper.json()["total"] == "500.00"


def test_status_changes_and_versions(shop):
    order = _order(
        shop, "rep", shop.customer("rep", "客户"), [{"description": "x", "unit_price": "10"}]
    )
    url = f"/api/v1/orders/{order['id']}"
    with shop.client("rep") as client:
        done = client.patch(url, json={"version": order["version"], "status": "fulfilled"})
        assert done.status_code == 200 and done.json()["status"] == "fulfilled"
        stale = client.patch(url, json={"version": order["version"], "status": "cancelled"})
        assert stale.status_code == 409 and stale.json()["field"] == "version"
        frozen = client.patch(
            url,
            json={
                "version": done.json()["version"],
                "lines": [{"description": "y", "unit_price": "1"}],
            },
        )
        assert frozen.status_code == 409
        cancelled = client.patch(
            url, json={"version": done.json()["version"], "status": "cancelled"}
        )
        assert cancelled.json()["status"] == "cancelled"
        refused = client.post(f"{url}/payments", json={"received_on": "2026-01-01", "amount": "1"})
        assert refused.status_code == 409
        bad = client.patch(url, json={"version": cancelled.json()["version"], "status": "lost"})
        assert bad.status_code == 422


def test_reps_see_their_own_orders_only(shop):
    order = _order(
        shop, "rep", shop.customer("rep", "客户"), [{"description": "x", "unit_price": "10"}]
    )
    with shop.client("other_rep") as client:
        assert client.get(f"/api/v1/orders/{order['id']}").status_code == 404
        plan = client.post(
            f"/api/v1/orders/{order['id']}/plan", json={"due_date": "2026-01-01", "amount": "1"}
        )
        assert plan.status_code == 404
        assert client.get("/api/v1/orders").json()["total"] == 0
    with shop.client("manager") as client:
        assert client.get(f"/api/v1/orders/{order['id']}").status_code == 200


def test_expected_payments_per_month(shop):
    east = _order(
        shop, "rep", shop.customer("rep", "东"), [{"description": "x", "unit_price": "1000"}]
    )
    north = _order(
        shop,
        "other_rep",
        shop.customer("other_rep", "北"),
        [{"description": "y", "unit_price": "500"}],
    )
    with shop.client("rep") as client:
        for due, amount in (("2026-01-10", "300"), ("2026-02-10", "300"), ("2026-03-10", "400")):
            client.post(
                f"/api/v1/orders/{east['id']}/plan", json={"due_date": due, "amount": amount}
            )
        client.post(
            f"/api/v1/orders/{east['id']}/payments",
            json={"received_on": "2026-02-01", "amount": "450"},
        )
    with shop.client("other_rep") as client:
        client.post(
            f"/api/v1/orders/{north['id']}/plan", json={"due_date": "2026-02-20", "amount": "500"}
        )
    with shop.ctx("rep") as ctx:
        months = expected_payments(ctx, date(2026, 1, 1), date(2026, 4, 30))
    assert [(m.month, m.planned, m.received, m.outstanding) for m in months] == [
        ("2026-01", Decimal("300"), Decimal("0"), Decimal("0")),  # settled by the 450
        ("2026-02", Decimal("300"), Decimal("450"), Decimal("150")),
        ("2026-03", Decimal("400"), Decimal("0"), Decimal("400")),
        ("2026-04", Decimal("0"), Decimal("0"), Decimal("0")),
    ]
    with shop.ctx("manager") as ctx:
        february = expected_payments(ctx, date(2026, 2, 1), date(2026, 2, 28))
    assert february[0].planned == Decimal("800") and february[0].outstanding == Decimal("650")
    with shop.client("rep") as client:
        api = client.get(
            "/api/v1/orders/expected-payments", params={"start": "2026-02-01", "end": "2026-03-31"}
        )
        assert api.status_code == 200
        assert [m["outstanding"] for m in api.json()] == ["150.00", "400.00"]
        bad = client.get(
            "/api/v1/orders/expected-payments", params={"start": "x", "end": "2026-01-01"}
        )
        assert bad.status_code == 422 and bad.json()["field"] == "start"


def test_order_panels_on_the_customer_page(shop):
    customer = shop.customer("rep", "面板客户")
    order = _order(shop, "rep", customer, [{"description": "x", "unit_price": "10"}])
    quote = shop.quote("rep", customer, [{"description": "y", "unit_price": "5"}], title="面板报价")
    with shop.browser("rep") as client:
        page = client.get(f"/customers/{customer}")
    assert page.status_code == 200
    assert order["number"] in page.text and quote["number"] in page.text
    assert 'id="panel-quotes"' in page.text and 'id="panel-orders"' in page.text
    assert f"/quotes/new?customer_id={customer}" in page.text
