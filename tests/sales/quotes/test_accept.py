"""Accepting a quote makes an order: lines and totals copied, quote linked, OrderPlaced fired,
the opportunity won; accepting twice is a 409."""

from __future__ import annotations

from tests.sales.quotes import order_listener


def test_accepting_makes_an_order_with_the_lines_and_totals(shop):
    customer = shop.customer("rep", "客户")
    quote = shop.quote(
        "rep",
        customer,
        [
            {"product_id": shop.products["P-33"], "quantity": "3", "discount_rate": "0.10"},
            {"product_id": shop.products["P-100"], "quantity": "1"},
        ],
    )
    with shop.client("rep") as client:
        client.post(f"/api/v1/quotes/{quote['id']}/send", json={})
        accepted = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={})
        assert accepted.status_code == 201, accepted.text
        order = accepted.json()
        assert order["number"].startswith("O") and order["number"][1:5].isdigit()
        assert order["quote_id"] == quote["id"] and order["customer_id"] == customer
        assert order["status"] == "open" and order["paid_total"] == "0.00"
        for key in ("subtotal", "discount_total", "tax_total", "total"):
            assert order[key] == quote[key]
        copied = [(line["description"], line["total"]) for line in order["lines"]]
        assert copied == [(line["description"], line["total"]) for line in quote["lines"]]
        after = client.get(f"/api/v1/quotes/{quote['id']}").json()
        assert after["status"] == "accepted" and after["order_id"] == order["id"]
        assert after["decided_at"] is not None
        again = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={})
        assert again.status_code == 409
        orders = client.get("/api/v1/orders").json()
        assert orders["total"] == 1  # the second accept made nothing
        assert client.post(f"/api/v1/quotes/{quote['id']}/revise", json={}).status_code == 409


def test_a_stale_version_cannot_accept(shop):
    quote = shop.quote(
        "rep",
        shop.customer("rep", "客户"),
        [{"product_id": shop.products["P-33"], "quantity": "1"}],
    )
    with shop.client("rep") as client:
        client.patch(f"/api/v1/quotes/{quote['id']}", json={"version": 1, "title": "新"})
        stale = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={"version": 1})
        assert stale.status_code == 409 and stale.json()["field"] == "version"
        assert client.get("/api/v1/orders").json()["total"] == 0


def test_order_placed_reaches_plugins(kht_app):
    from kht.testing import add_user, runtime_of
    from tests.sales.quotes.conftest import Shop

    order_listener.SEEN.clear()
    app = kht_app(plugins=["order_listener"], extra=["tests.sales.quotes.order_listener"])
    shop = Shop(app=app, runtime=runtime_of(app))
    shop.users["rep"] = add_user(shop.runtime, "rep", "sales_rep", department="Sales")
    shop.users["boss"] = add_user(shop.runtime, "boss", "administrator", department="HQ")
    shop.product("P-1", "10.00")
    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-1"], "quantity": "2"}])
    with shop.client("rep") as client:
        order = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).json()
    seen = [(e.kind, e.record_id, e.customer_id, e.amount, e.user_id) for e in order_listener.SEEN]
    assert seen == [("order", order["id"], customer, "22.60", shop.users["rep"])]


def test_accepting_wins_the_quotes_opportunity(shop):
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity, get_opportunity

    customer = shop.customer("rep", "客户")
    with shop.ctx("rep") as ctx:
        opportunity = create_opportunity(
            ctx, OpportunityCreate(name="安检项目", customer_id=customer, amount="1000.00")
        ).id
    quote = shop.quote(
        "rep",
        customer,
        [{"product_id": shop.products["P-33"], "quantity": "1"}],
        opportunity_id=opportunity,
    )
    with shop.client("rep") as client:
        order = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).json()
    assert order["opportunity_id"] == opportunity
    with shop.ctx("rep") as ctx:
        won = get_opportunity(ctx, opportunity)
        assert won.status == "won"
        assert quote["number"] in won.close_reason


def test_an_opportunity_of_another_customer_is_refused(shop):
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity

    mine, other = shop.customer("rep", "客户"), shop.customer("rep", "另一个")
    with shop.ctx("rep") as ctx:
        opportunity = create_opportunity(ctx, OpportunityCreate(name="项目", customer_id=other)).id
    with shop.client("rep") as client:
        refused = client.post(
            "/api/v1/quotes",
            json={"title": "x", "customer_id": mine, "opportunity_id": opportunity},
        )
    assert refused.status_code == 422 and refused.json()["field"] == "opportunity_id"
