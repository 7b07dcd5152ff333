"""A quote's or an order's lines are never removed by accident: an empty `lines` list is a
422 naming `lines` unless `clear_lines: true` says so, and a form whose line editor never
ran (no `lines_json`) keeps the lines it was shown."""

from __future__ import annotations

import json

from kht.testing import csrf_token


def _quote_with_lines(shop) -> dict:
    customer = shop.customer("rep", "保留行客户")
    return shop.quote(
        "rep",
        customer,
        [
            {"product_id": shop.products["P-33"], "quantity": "3"},
            {"description": "现场培训", "quantity": "2", "unit_price": "800.00"},
        ],
    )


def _order_with_lines(shop) -> dict:
    customer = shop.customer("rep", "订单客户")
    lines = [{"product_id": shop.products["P-100"], "quantity": "2"}]
    with shop.client("rep") as client:
        response = client.post("/api/v1/orders", json={"customer_id": customer, "lines": lines})
    assert response.status_code == 201, response.text
    return response.json()


def test_an_empty_lines_list_does_not_empty_a_quote(shop):
    quote = _quote_with_lines(shop)
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("rep") as client:
        refused = client.patch(url, json={"version": quote["version"], "notes": "n", "lines": []})
        kept = client.get(url).json()
    assert refused.status_code == 422 and refused.json()["field"] == "lines"
    assert len(kept["lines"]) == 2 and kept["total"] == quote["total"]
    assert kept["notes"] == "" and kept["version"] == quote["version"]  # nothing half-written


def test_notes_alone_keep_the_lines(shop):
    quote = _quote_with_lines(shop)
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("rep") as client:
        changed = client.patch(url, json={"version": quote["version"], "notes": "只改备注"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["notes"] == "只改备注" and len(body["lines"]) == 2
    assert body["total"] == quote["total"]


def test_clear_lines_removes_them_when_asked_for(shop):
    quote = _quote_with_lines(shop)
    url = f"/api/v1/quotes/{quote['id']}"
    with shop.client("rep") as client:
        both = client.patch(
            url,
            json={
                "version": quote["version"],
                "clear_lines": True,
                "lines": [{"description": "x"}],
            },
        )
        cleared = client.patch(url, json={"version": quote["version"], "clear_lines": True})
    assert both.status_code == 422 and both.json()["field"] == "lines"
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["lines"] == [] and cleared.json()["total"] == "0.00"


def test_an_empty_new_quote_needs_no_flag(shop):
    customer = shop.customer("rep", "空报价客户")
    quote = shop.quote("rep", customer, [])
    with shop.client("rep") as client:
        emptied = client.patch(
            f"/api/v1/quotes/{quote['id']}", json={"version": quote["version"], "lines": []}
        )
    assert emptied.status_code == 200  # nothing to lose


def test_an_empty_lines_list_does_not_empty_an_order(shop):
    order = _order_with_lines(shop)
    url = f"/api/v1/orders/{order['id']}"
    with shop.client("rep") as client:
        refused = client.patch(url, json={"version": order["version"], "lines": []})
        kept = client.get(url).json()
        cleared = client.patch(url, json={"version": order["version"], "clear_lines": True})
    assert refused.status_code == 422 and refused.json()["field"] == "lines"
    assert len(kept["lines"]) == 1 and kept["total"] == order["total"]
    assert cleared.status_code == 200 and cleared.json()["lines"] == []


def _edit(client, quote: dict, **fields: str):
    data = {
        "_csrf_token": csrf_token(client),
        "version": str(quote["version"]),
        "title": quote["title"],
        "notes": "只改了备注",
        **fields,
    }
    return client.post(f"/quotes/{quote['id']}/edit", data=data, follow_redirects=False)


def test_a_form_whose_editor_never_ran_keeps_the_lines(shop):
    quote = _quote_with_lines(shop)
    with shop.browser("rep") as client:
        saved = _edit(client, quote)  # no lines_json at all: the script did not run
    assert saved.status_code == 303, saved.text
    with shop.client("rep") as client:
        body = client.get(f"/api/v1/quotes/{quote['id']}").json()
    assert body["notes"] == "只改了备注" and len(body["lines"]) == 2
    assert body["total"] == quote["total"]


def test_the_form_removes_every_line_only_when_the_editor_says_so(shop):
    quote = _quote_with_lines(shop)
    with shop.browser("rep") as client:
        refused = _edit(client, quote, lines_json="[]")
        assert refused.status_code == 422
        assert json.dumps("现场培训")[1:-1] in refused.text  # the stored lines shown again
        cleared = _edit(client, quote, lines_json="[]", clear_lines="1")
    assert cleared.status_code == 303, cleared.text
    with shop.client("rep") as client:
        assert client.get(f"/api/v1/quotes/{quote['id']}").json()["lines"] == []
