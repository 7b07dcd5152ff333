"""The quotes API: numbering, pricing from the catalogue, editing drafts, revisions, status
flow, accepting into an order, scope and bad input."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from kht.sales.quotes.models import Quote


def test_a_quote_is_numbered_priced_and_totalled_exactly(shop):
    customer = shop.customer("rep", "华东客户")
    quote = shop.quote(
        "rep",
        customer,
        [
            {"product_id": shop.products["P-33"], "quantity": "3", "discount_rate": "0.10"},
            {"description": "运费", "quantity": "1", "unit_price": "0.05", "discount_rate": "0.5"},
        ],
    )
    assert re.fullmatch(r"Q\d{4}-\d{6}", quote["number"])
    assert quote["revision"] == 1 and quote["status"] == "draft"
    first, second = quote["lines"]
    # from the catalogue: name, unit, list price and the product's tax rate
    assert first["description"] == "螺丝刀套装" and first["unit"] == "套"
    assert first["unit_price"] == "33.33" and first["tax_rate"] == "0.1300"
    assert (first["net"], first["tax"], first["total"]) == ("89.99", "11.70", "101.69")
    assert (second["net"], second["tax"], second["total"]) == ("0.03", "0.00", "0.03")
    assert quote["subtotal"] == "100.04"
    assert quote["discount_total"] == "10.02"
    assert quote["tax_total"] == "11.70"
    assert quote["total"] == "101.72"
    assert quote["valid_until"] > quote["quote_date"]
    assert "价格含税" in quote["terms"]  # the default template's terms


def test_numbers_count_up_within_the_year(shop):
    customer = shop.customer("rep", "客户")
    one = shop.quote("rep", customer, [], quote_date="2026-03-01")
    two = shop.quote(
        "other_rep", shop.customer("other_rep", "另一客户"), [], quote_date="2026-05-01"
    )
    old = shop.quote("rep", customer, [], quote_date="2025-12-31")
    assert one["number"] == "Q2026-000001"
    assert two["number"] == "Q2026-000002"
    assert old["number"] == "Q2025-000001"


def test_the_customer_price_list_prices_the_line(shop):
    from kht.products.pricing import create_price_list, set_item
    from kht.products.schemas import ItemIn, PriceListCreate

    with shop.ctx("boss") as ctx:
        prices = create_price_list(ctx, PriceListCreate(name="全员价"))
        item = ItemIn(product_id=shop.products["P-33"], price="30.00", min_quantity="10")
        set_item(ctx, prices.id, item)
        list_id = prices.id
    customer = shop.customer("rep", "批量客户")
    quote = shop.quote(
        "rep",
        customer,
        [
            {"product_id": shop.products["P-33"], "quantity": "10"},
            {"product_id": shop.products["P-33"], "quantity": "2"},
            {"product_id": shop.products["P-33"], "quantity": "1", "unit_price": "31.00"},
        ],
    )
    prices_seen = [line["unit_price"] for line in quote["lines"]]
    assert prices_seen == ["30.00", "33.33", "31.00"]  # tier reached, list price, typed
    assert quote["price_list_id"] == list_id


def test_bad_input_is_a_422_naming_the_field(shop):
    mine = shop.customer("rep", "我的客户")
    theirs = shop.customer("other_rep", "别人的客户")
    product = shop.products["P-33"]
    cases = [
        ({"customer_id": theirs}, "customer_id"),
        ({"customer_id": 99999}, "customer_id"),
        ({"lines": [{"product_id": product, "quantity": "-1"}]}, "lines[0].quantity"),
        ({"lines": [{"product_id": product, "discount_rate": "1.5"}]}, "lines[0].discount_rate"),
        ({"lines": [{"product_id": 99999}]}, "lines[0].product_id"),
        ({"lines": [{"description": "x", "unit_price": "-1"}]}, "lines[0].unit_price"),
        ({"lines": [{"description": "", "unit_price": "1"}]}, "lines[0].description"),
        ({"lines": [{"description": "x"}]}, "lines[0].unit_price"),
        ({"valid_until": "2020-01-01", "quote_date": "2021-01-01"}, "valid_until"),
        ({"template_id": 99999}, "template_id"),
        ({"contact_id": 99999}, "contact_id"),
        ({"opportunity_id": 99999}, "opportunity_id"),
    ]
    with shop.client("rep") as client:
        for change, field in cases:
            body = {"title": "报价", "customer_id": mine, "lines": [], **change}
            response = client.post("/api/v1/quotes", json=body)
            assert response.status_code == 422, (change, response.text)
            assert response.json()["field"] == field, (change, response.json())
        missing = client.post("/api/v1/quotes", json={"customer_id": mine})
        assert missing.status_code == 422 and missing.json()["field"] == "title"
    with shop.ctx(None) as ctx:
        assert ctx.session.scalar(select(Quote.id)) is None  # nothing half-made


def test_only_drafts_change_and_a_stale_version_is_a_409(shop):
    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-33"], "quantity": "1"}])
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("rep") as client:
        changed = client.patch(
            url,
            json={
                "version": quote["version"],
                "title": "改后的报价",
                "lines": [{"product_id": shop.products["P-100"], "quantity": "2"}],
            },
        )
        assert changed.status_code == 200, changed.text
        body = changed.json()
        assert body["title"] == "改后的报价" and body["version"] > quote["version"]
        assert [line["description"] for line in body["lines"]] == ["安装服务"]
        assert body["total"] == "212.00"  # 200.00 + 6 % tax
        stale = client.patch(url, json={"version": quote["version"], "title": "旧"})
        assert stale.status_code == 409 and stale.json()["field"] == "version"
        lines_only = client.patch(
            url,
            json={"version": body["version"], "lines": [{"description": "x", "unit_price": "1"}]},
        )
        assert lines_only.json()["version"] > body["version"]  # lines count as a change
        sent = client.post(f"{url}/send", json={"version": lines_only.json()["version"]})
        assert sent.status_code == 201 and sent.json()["status"] == "sent"
        frozen = client.patch(url, json={"version": sent.json()["version"], "title": "不行"})
        assert frozen.status_code == 409 and frozen.json()["field"] == "status"


def test_revising_a_sent_quote_makes_a_new_revision_and_keeps_the_old(shop):
    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-33"], "quantity": "3"}])
    with shop.client("rep") as client:
        sent = client.post(f"/api/v1/quotes/{quote['id']}/send", json={}).json()
        revised = client.post(
            f"/api/v1/quotes/{quote['id']}/revise", json={"version": sent["version"]}
        )
        assert revised.status_code == 201, revised.text
        new = revised.json()
        assert new["number"] == quote["number"] and new["revision"] == 2
        assert new["status"] == "draft" and new["id"] != quote["id"]
        assert [line["quantity"] for line in new["lines"]] == ["3.0000"]
        assert new["total"] == quote["total"]
        old = client.get(f"/api/v1/quotes/{quote['id']}").json()
        assert old["status"] == "superseded" and old["lines"]  # still readable
        listed = client.get("/api/v1/quotes").json()
        assert [item["id"] for item in listed["items"]] == [new["id"]]  # latest only
        history = client.get(f"/api/v1/quotes/{new['id']}/revisions").json()
        assert [item["revision"] for item in history] == [2, 1]
        again = client.post(f"/api/v1/quotes/{quote['id']}/revise", json={})
        assert again.status_code == 409
        draft = client.post(f"/api/v1/quotes/{new['id']}/revise", json={})
        assert draft.status_code == 409  # a draft is edited, not revised


def test_a_sent_quote_past_its_validity_reads_expired(shop):
    customer = shop.customer("rep", "客户")
    past = (date.today() - timedelta(days=40)).isoformat()
    quote = shop.quote(
        "rep",
        customer,
        [{"product_id": shop.products["P-33"], "quantity": "1"}],
        quote_date=past,
        valid_until=(date.today() - timedelta(days=10)).isoformat(),
    )
    with shop.client("rep") as client:
        sent = client.post(f"/api/v1/quotes/{quote['id']}/send", json={}).json()
        assert sent["status"] == "expired"
        assert client.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).status_code == 409
        revised = client.post(f"/api/v1/quotes/{quote['id']}/revise", json={}).json()
        assert revised["status"] == "draft" and revised["valid_until"] > date.today().isoformat()
    from kht.sales.quotes.service import expire_quotes

    with shop.ctx("boss") as ctx:
        assert expire_quotes(ctx) == 0  # the expired one was superseded by the revision


def test_reject_only_a_sent_quote(shop):
    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"product_id": shop.products["P-33"], "quantity": "1"}])
    with shop.client("rep") as client:
        assert client.post(f"/api/v1/quotes/{quote['id']}/reject", json={}).status_code == 409
        client.post(f"/api/v1/quotes/{quote['id']}/send", json={})
        rejected = client.post(f"/api/v1/quotes/{quote['id']}/reject", json={})
        assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
        assert rejected.json()["decided_at"] is not None


def test_a_quote_without_lines_is_not_sent(shop):
    quote = shop.quote("rep", shop.customer("rep", "客户"), [])
    with shop.client("rep") as client:
        refused = client.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    assert refused.status_code == 422 and refused.json()["field"] == "lines"


def test_scope_reps_see_their_own_managers_their_tree(shop):
    quote = shop.quote(
        "rep",
        shop.customer("rep", "客户"),
        [{"product_id": shop.products["P-33"], "quantity": "1"}],
    )
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("other_rep") as client:
        assert client.get(url).status_code == 404
        assert client.patch(url, json={"version": 1, "title": "x"}).status_code == 404
        assert client.post(f"{url}/accept", json={}).status_code == 404
        assert client.get("/api/v1/quotes").json()["total"] == 0
    with shop.client("manager") as client:
        assert client.get(url).status_code == 200
        assert client.get("/api/v1/quotes").json()["total"] == 1
    with shop.client("outsider") as client:
        assert client.get(url).status_code == 404


def test_delete_and_restore(shop):
    quote = shop.quote("rep", shop.customer("rep", "客户"), [])
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("rep") as client:
        assert client.delete(url).status_code == 403  # reps may not delete
    with shop.client("manager") as client:
        assert client.delete(url).status_code == 204
        assert client.get(url).status_code == 404
        assert client.get("/api/v1/quotes", params={"deleted": "true"}).json()["total"] == 1
        assert client.post(f"{url}/restore").status_code == 200
        assert client.get(url).status_code == 200


def test_list_filters_and_sorts(shop):
    customer = shop.customer("rep", "客户")
    shop.quote("rep", customer, [{"description": "a", "unit_price": "5"}], title="小单")
    shop.quote("rep", customer, [{"description": "b", "unit_price": "500"}], title="大单")
    with shop.client("rep") as client:
        big = client.get("/api/v1/quotes", params={"f": "total:gt:100"}).json()
        assert [item["title"] for item in big["items"]] == ["大单"]
        by_total = client.get("/api/v1/quotes", params={"sort": "total"}).json()
        assert [item["title"] for item in by_total["items"]] == ["小单", "大单"]
        found = client.get("/api/v1/quotes", params={"q": "小"}).json()
        assert found["total"] == 1
        bad = client.get("/api/v1/quotes", params={"f": "nope:eq:1"})
        assert bad.status_code == 422


def test_the_command_line_stores_expired_on_lapsed_quotes(shop):
    from click.testing import CliRunner

    from kht.cli import _add_plugin_commands, cli

    past = (date.today() - timedelta(days=40)).isoformat()
    quote = shop.quote(
        "rep",
        shop.customer("rep", "客户"),
        [{"description": "x", "unit_price": "1"}],
        quote_date=past,
        valid_until=(date.today() - timedelta(days=5)).isoformat(),
    )
    with shop.client("rep") as client:
        client.post(f"/api/v1/quotes/{quote['id']}/send", json={})
    _add_plugin_commands(shop.runtime)
    result = CliRunner().invoke(cli, ["quotes", "expire"], obj=shop.runtime)
    assert result.exit_code == 0, result.output
    assert "quotes expired: 1" in result.output
    with shop.ctx(None) as ctx:
        assert ctx.session.get(Quote, quote["id"]).status == "expired"
    again = CliRunner().invoke(cli, ["quotes", "expire"], obj=shop.runtime)
    assert "quotes expired: 0" in again.output


def test_concurrent_creators_get_distinct_numbers(shop):
    from concurrent.futures import ThreadPoolExecutor

    from kht.sales.quotes.schemas import QuoteCreate
    from kht.sales.quotes.service import create_quote

    customer = shop.customer("rep", "客户")

    def make(index: int) -> str:
        with shop.ctx("rep") as ctx:
            data = QuoteCreate(
                title=f"并发 {index}", customer_id=customer, quote_date=date(2026, 7, 1)
            )
            return create_quote(ctx, data).number

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = list(pool.map(make, range(12)))
    assert sorted(numbers) == [f"Q2026-{n:06d}" for n in range(1, 13)]
