"""Which price a customer pays: category list, then branch list, then default, then list price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kht.products.pricing import price_for


def _price(office, login, product_id, customer_id=None, quantity="1", on="2026-06-01"):
    with office.client(login) as client:
        params = {"quantity": quantity, "date": on}
        if customer_id is not None:
            params["customer_id"] = customer_id
        return client.get(f"/api/v1/products/{product_id}/price", params=params)


def test_without_a_price_list_the_list_price_applies(office):
    product = office.product("P-1", list_price="1234.50", tax_rate="0.13")
    response = _price(office, "rep", product["id"])
    assert response.status_code == 200, response.text
    assert response.json() | {} == response.json()
    body = response.json()
    assert body["unit_price"] == "1234.50"
    assert body["tax_rate"] == "0.1300"
    assert body["source"] == "list_price"
    assert body["price_list_id"] is None


def test_category_beats_branch_beats_default(office):
    product = office.product("P-1", list_price="100.00")
    key_accounts = office.category("重点客户")
    office.price_list("默认", [(product["id"], "95.00", "1")])
    office.price_list(
        "上海分公司价", [(product["id"], "92.00", "1")], branch_id=office.branch("上海分公司")
    )
    office.price_list(
        "重点客户价", [(product["id"], "88.80", "1")], customer_category_id=key_accounts
    )
    vip = office.customer_of("rep", "清华同方威视", category_id=key_accounts)
    shanghai = office.customer_of("rep", "上海华东电器")
    beijing = office.customer_of("north_rep", "北京中关村科技")
    assert _price(office, "rep", product["id"], vip).json()["unit_price"] == "88.80"
    assert _price(office, "rep", product["id"], vip).json()["matched_by"] == "customer_category"
    assert _price(office, "rep", product["id"], shanghai).json()["unit_price"] == "92.00"
    assert _price(office, "rep", product["id"], shanghai).json()["matched_by"] == "branch"
    north = _price(office, "north_rep", product["id"], beijing).json()
    assert (north["unit_price"], north["matched_by"]) == ("95.00", "default")


def test_only_lists_valid_on_the_date_count_and_the_latest_start_wins(office):
    product = office.product("P-1", list_price="100.00")
    office.price_list(
        "2025", [(product["id"], "90.00", "1")], valid_from="2025-01-01", valid_to="2025-12-31"
    )
    office.price_list("2026 H1", [(product["id"], "85.00", "1")], valid_from="2026-01-01")
    office.price_list("2026 H2", [(product["id"], "80.00", "1")], valid_from="2026-07-01")
    office.price_list("inactive", [(product["id"], "1.00", "1")], active=False)
    assert _price(office, "rep", product["id"], on="2024-12-31").json()["unit_price"] == "100.00"
    assert _price(office, "rep", product["id"], on="2025-12-31").json()["unit_price"] == "90.00"
    assert _price(office, "rep", product["id"], on="2026-03-01").json()["unit_price"] == "85.00"
    assert _price(office, "rep", product["id"], on="2026-07-01").json()["unit_price"] == "80.00"


def test_quantity_tiers_pick_the_highest_tier_reached(office):
    product = office.product("P-1", list_price="25.00")
    office.price_list(
        "阶梯价",
        [
            (product["id"], "24.00", "1"),
            (product["id"], "21.50", "100"),
            (product["id"], "20", "500"),
        ],
    )
    assert _price(office, "rep", product["id"], quantity="99").json()["unit_price"] == "24.00"
    assert _price(office, "rep", product["id"], quantity="100").json()["unit_price"] == "21.50"
    assert _price(office, "rep", product["id"], quantity="1000").json()["unit_price"] == "20.00"


def test_a_list_that_does_not_price_the_product_falls_through(office):
    product = office.product("P-1", list_price="100.00")
    other = office.product("P-2", list_price="50.00")
    key_accounts = office.category("重点客户")
    office.price_list("默认", [(product["id"], "95.00", "1")])
    office.price_list(
        "重点客户价", [(other["id"], "45.00", "1")], customer_category_id=key_accounts
    )
    vip = office.customer_of("rep", "清华同方威视", category_id=key_accounts)
    assert _price(office, "rep", product["id"], vip).json()["unit_price"] == "95.00"


def test_the_service_returns_exact_decimals(office):
    product = office.product("P-1", list_price="0.10")
    office.price_list("x", [(product["id"], "0.30", "3")])
    with office.runtime.ctx() as ctx:
        office.as_user(ctx, "rep")
        small = price_for(ctx, product["id"], None, Decimal("1"), date(2026, 1, 1))
        tier = price_for(ctx, product["id"], None, "3", date(2026, 1, 1))
    assert small.unit_price == Decimal("0.10")
    assert isinstance(small.unit_price, Decimal)
    assert tier.unit_price * 3 == Decimal("0.90")


def test_bad_price_questions_are_refused(office):
    product = office.product("P-1")
    theirs = office.customer_of("north_rep", "北京中关村科技")
    assert _price(office, "rep", product["id"], quantity="0").json()["field"] == "quantity"
    assert _price(office, "rep", product["id"], quantity="lots").status_code == 422
    assert _price(office, "rep", product["id"], on="June").json()["field"] == "date"
    assert _price(office, "rep", product["id"], theirs).status_code == 404
    assert _price(office, "rep", 9999).status_code == 404


def test_price_list_rules(office):
    product = office.product("P-1")
    category = office.category("重点客户")
    with office.client("boss") as client:
        both = client.post(
            "/api/v1/price-lists",
            json={
                "name": "x",
                "customer_category_id": category,
                "branch_id": office.branch("上海分公司"),
            },
        )
        backwards = client.post(
            "/api/v1/price-lists",
            json={"name": "x", "valid_from": "2026-02-01", "valid_to": "2026-01-01"},
        )
        currency = client.post("/api/v1/price-lists", json={"name": "x", "currency": "rmb"})
        created = client.post("/api/v1/price-lists", json={"name": "默认"}).json()
        items = f"/api/v1/price-lists/{created['id']}/items"
        negative = client.post(items, json={"product_id": product["id"], "price": "-1"})
        missing = client.post(items, json={"product_id": 999, "price": "1"})
        zero = client.post(
            items, json={"product_id": product["id"], "price": "1", "min_quantity": "0"}
        )
        first = client.post(items, json={"product_id": product["id"], "price": "9.90"})
        again = client.post(items, json={"product_id": product["id"], "price": "9.50"})
        shown = client.get(f"/api/v1/price-lists/{created['id']}").json()
        stale = client.patch(
            f"/api/v1/price-lists/{created['id']}", json={"version": 1, "name": "y"}
        )
    assert both.status_code == 422 and both.json()["field"] == "branch_id"
    assert backwards.json()["field"] == "valid_to"
    assert currency.status_code == 422
    assert negative.json()["field"] == "price"
    assert missing.json()["field"] == "product_id"
    assert zero.json()["field"] == "min_quantity"
    assert first.status_code == 201 and again.status_code == 201
    assert [(i["product_code"], i["price"]) for i in shown["items"]] == [("P-1", "9.50")]
    assert shown["version"] > 1  # setting prices changes the list
    assert stale.status_code == 409
