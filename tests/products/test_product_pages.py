"""Product pages: the shared list, the form (new, edit, stale), a product's page, price lists."""

from __future__ import annotations

from litestar.testing import TestClient

from kht.testing import csrf_token, log_in


def _browser(office, login: str) -> TestClient:
    client = TestClient(office.app)
    log_in(client, login)
    return client


def test_the_list_page_shows_the_catalogue_with_product_lines(office):
    from kht.org import service as org
    from kht.org.models import BusinessLine

    with office.runtime.ctx() as ctx:
        line = org.create_unit(ctx.session, BusinessLine, "安检设备").id
    office.product(
        "AJ-6550", name="通道式X射线安检机", list_price="168000.00", product_line_id=line
    )
    with _browser(office, "rep") as client:
        page = client.get("/products")
        searched = client.get("/products", params={"q": "不存在"})
        menu = client.get("/")
    assert page.status_code == 200
    assert "通道式X射线安检机" in page.text
    assert "168000.00" in page.text
    assert "安检设备" in page.text
    assert 'href="/products/new"' not in page.text  # reps may not add products
    assert 'action="/products/export"' in page.text and 'id="export-raw"' in page.text
    assert "通道式X射线安检机" not in searched.text
    assert 'href="/products"' in menu.text


def test_an_administrator_adds_and_edits_a_product_through_the_form(office):
    with _browser(office, "boss") as client:
        assert client.get("/products/new").status_code == 200
        form = {
            "_csrf_token": csrf_token(client),
            "code": "YL-JH200",
            "name": "多参数监护仪",
            "unit": "台",
            "list_price": "23500.00",
            "tax_rate": "0.13",
            "active": "1",
        }
        created = client.post("/products/new", data=form, follow_redirects=False)
        assert created.status_code == 303
        url = created.headers["location"]
        page = client.get(url)
        assert "多参数监护仪" in page.text and "23500.00" in page.text and "13.00%" in page.text
        edit = client.get(f"{url}/edit")
        assert 'name="version" value="1"' in edit.text
        changed = client.post(
            f"{url}/edit",
            data={**form, "version": "1", "list_price": "22800.00"},
            follow_redirects=False,
        )
        assert changed.status_code == 303
        stale = client.post(f"{url}/edit", data={**form, "version": "1", "name": "旧的"})
        assert stale.status_code == 409
        assert "stale-warning" in stale.text
        page = client.get(url)
    assert "22800.00" in page.text
    assert page.text.count("data-history-action") == 2  # created, then changed


def test_the_form_names_the_bad_field(office):
    with _browser(office, "boss") as client:
        token = csrf_token(client)
        bad = client.post(
            "/products/new",
            data={"_csrf_token": token, "code": "X", "name": "x", "tax_rate": "13"},
        )
        price = client.post(
            "/products/new",
            data={"_csrf_token": token, "code": "X", "name": "x", "list_price": "12.345"},
        )
    assert bad.status_code == 422
    assert 'data-error-for="tax_rate"' in bad.text
    assert price.status_code == 422
    assert 'data-error-for="list_price"' in price.text


def test_reps_cannot_open_the_new_product_form(office):
    with _browser(office, "rep") as client:
        assert client.get("/products/new").status_code == 403
        token = csrf_token(client)
        response = client.post(
            "/products/new", data={"_csrf_token": token, "code": "X", "name": "x"}
        )
    assert response.status_code == 403


def test_price_lists_page_creates_lists_and_prices(office):
    product = office.product("P-1", name="安检机", list_price="100.00")
    with _browser(office, "boss") as client:
        token = csrf_token(client)
        created = client.post(
            "/price-lists",
            data={"_csrf_token": token, "name": "2026年渠道价格表", "currency": "CNY"},
            follow_redirects=False,
        )
        assert created.status_code == 303
        page = client.get("/price-lists")
        assert "2026年渠道价格表" in page.text
        with office.client("boss") as api:
            list_id = api.get("/api/v1/price-lists").json()[0]["id"]
        added = client.post(
            f"/price-lists/{list_id}/items",
            data={"_csrf_token": token, "product_id": str(product["id"]), "price": "95.50"},
            follow_redirects=False,
        )
        assert added.status_code == 303
        bad = client.post(
            f"/price-lists/{list_id}/items",
            data={"_csrf_token": token, "product_id": str(product["id"]), "price": "-3"},
        )
        assert bad.status_code == 422
        assert f'data-error-for="{list_id}.price"' in bad.text
        product_page = client.get(f"/products/{product['id']}")
    assert "95.50" in product_page.text and "2026年渠道价格表" in product_page.text
    with _browser(office, "rep") as client:
        seen = client.get("/price-lists")
    assert seen.status_code == 200
    assert "95.50" in seen.text
    assert "price-list-form" not in seen.text


def test_bulk_set_a_price_on_the_list_page_keeps_the_money_rules(office):
    first = office.product("A-1", list_price="10.00")
    second = office.product("B-2", list_price="20.00")
    ids = [str(first["id"]), str(second["id"])]
    with _browser(office, "boss") as client:
        token = csrf_token(client)
        base = {"_csrf_token": token, "action": "set", "ids": ids, "back": "/products"}
        done = client.post(
            "/lists/bulk/product",
            data={**base, "field": "list_price", "value": "99.90"},
            follow_redirects=False,
        )
        bad = client.post("/lists/bulk/product", data={**base, "field": "tax_rate", "value": "5"})
    assert done.status_code == 303
    assert bad.status_code == 422
    with office.client("rep") as client:
        items = client.get("/api/v1/products").json()["items"]
    assert [(p["code"], p["list_price"], p["tax_rate"]) for p in items] == [
        ("A-1", "99.90", "0.1300"),
        ("B-2", "99.90", "0.1300"),
    ]


def test_products_have_no_owner_so_the_bulk_bar_does_not_offer_to_assign_one(office):
    product = office.product("A-1", list_price="10.00")
    with _browser(office, "boss") as client:
        products = client.get("/products").text
        customers = client.get("/customers").text
        refused = client.post(
            "/lists/bulk/product",
            data={
                "_csrf_token": csrf_token(client),
                "action": "assign",
                "ids": [str(product["id"])],
                "owner_id": str(office.users["rep"]),
                "back": "/products",
            },
        )
    assert 'id="bulk-bar"' in products and 'value="assign"' not in products
    assert 'name="owner_id"' not in products
    assert 'value="assign"' in customers  # customers are owned: still offered
    assert refused.status_code == 422 and "action" in refused.text
    from kht.products.models import Product

    with office.runtime.ctx() as ctx:
        assert ctx.session.get(Product, product["id"]).owner_id is None


def test_the_list_page_exports_what_it_shows(office):
    office.product("A-1", name="安检机", list_price="168000.50")
    with _browser(office, "boss") as client:
        response = client.get(
            "/products/export", params={"format": "csv", "columns": ["code", "list_price"]}
        )
    assert response.status_code == 200
    assert "A-1,168000.50" in response.content.decode("utf-8-sig")
