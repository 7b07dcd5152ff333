"""Quote pages: list, form with the line editor, status buttons, the printed quote (HTML
and PDF) and the template editor (sandboxed, broken templates refused)."""

from __future__ import annotations

import json

from kht.testing import csrf_token


def _ready_quote(shop) -> dict:
    customer = shop.customer("rep", "同方威视")
    return shop.quote(
        "rep",
        customer,
        [
            {"product_id": shop.products["P-33"], "quantity": "3", "discount_rate": "0.10"},
            {"description": "现场培训", "unit": "天", "quantity": "2", "unit_price": "800.00"},
        ],
        title="安检设备报价",
    )


def test_the_list_and_the_quote_page(shop):
    quote = _ready_quote(shop)
    with shop.browser("rep") as client:
        listed = client.get("/quotes")
        page = client.get(f"/quotes/{quote['id']}")
        menu = client.get("/")
    assert listed.status_code == 200
    assert quote["number"] in listed.text and "同方威视" in listed.text
    assert 'href="/quotes/new"' in listed.text
    assert page.status_code == 200
    assert "螺丝刀套装" in page.text and "现场培训" in page.text
    assert "1,701.69" in page.text  # 101.69 + 1600.00
    assert "壹仟柒佰零壹元陆角玖分" in page.text
    assert f'action="/quotes/{quote["id"]}/send"' in page.text
    assert 'href="/quotes"' in menu.text


def test_the_form_creates_and_edits_a_quote_with_lines(shop):
    customer = shop.customer("rep", "表单客户")
    lines = [
        {"product_id": str(shop.products["P-33"]), "quantity": "3", "discount_rate": "0.1"},
        {"product_id": "", "description": "", "unit_price": ""},  # an empty row left behind
    ]
    with shop.browser("rep") as client:
        form = client.get(f"/quotes/new?customer_id={customer}")
        assert form.status_code == 200 and "表单客户" in form.text
        data = {
            "_csrf_token": csrf_token(client),
            "customer_id": str(customer),
            "title": "表单报价",
            "lines_json": json.dumps(lines),
        }
        created = client.post("/quotes/new", data=data, follow_redirects=False)
        assert created.status_code == 303, created.text
        url = created.headers["location"]
        page = client.get(url)
        assert "表单报价" in page.text and "101.69" in page.text
        edit = client.get(f"{url}/edit")
        # the editor starts with the lines (JSON for Alpine, non-ASCII escaped)
        assert json.dumps("P-33 螺丝刀套装")[1:-1] in edit.text
        bad = client.post(
            f"{url}/edit",
            data={
                **data,
                "version": "1",
                "lines_json": json.dumps(
                    [{"description": "x", "quantity": "-1", "unit_price": "1"}]
                ),
            },
        )
        assert bad.status_code == 422 and "lines[0].quantity" in bad.text
        changed = client.post(
            f"{url}/edit",
            data={
                **data,
                "version": "1",
                "lines_json": json.dumps(
                    [{"description": "服务", "quantity": "1", "unit_price": "50"}]
                ),
            },
            follow_redirects=False,
        )
        assert changed.status_code == 303
        assert "50.00" in client.get(url).text
        stale = client.post(f"{url}/edit", data={**data, "version": "1"})
        assert stale.status_code == 409 and "stale-warning" in stale.text
        invisible = client.post(
            "/quotes/new", data={**data, "customer_id": str(shop.customer("other_rep", "别人"))}
        )
        assert invisible.status_code == 422


def test_status_buttons_send_accept_and_open_the_order(shop):
    quote = _ready_quote(shop)
    with shop.browser("rep") as client:
        token = csrf_token(client)
        sent = client.post(
            f"/quotes/{quote['id']}/send",
            data={"_csrf_token": token, "version": str(quote["version"])},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        page = client.get(f"/quotes/{quote['id']}")
        assert 'data-status="sent"' in page.text
        stale = client.post(
            f"/quotes/{quote['id']}/accept", data={"_csrf_token": token, "version": "1"}
        )
        assert stale.status_code == 409
        version = page.text.split('name="version" value="')[1].split('"')[0]
        accepted = client.post(
            f"/quotes/{quote['id']}/accept",
            data={"_csrf_token": token, "version": version},
            follow_redirects=False,
        )
        assert accepted.status_code == 303 and accepted.headers["location"].startswith("/orders/")
        order = client.get(accepted.headers["location"])
        assert order.status_code == 200 and quote["number"] in order.text
        assert "1,701.69" in order.text
        order_url = accepted.headers["location"]
        planned = client.post(
            f"{order_url}/plan",
            data={"_csrf_token": token, "due_date": "2026-12-01", "amount": "9999.00"},
        )
        assert planned.status_code == 422  # more than the total
        paid = client.post(
            f"{order_url}/payments",
            data={"_csrf_token": token, "received_on": "2026-12-01", "amount": "701.69"},
            follow_redirects=False,
        )
        assert paid.status_code == 303
        assert "701.69" in client.get(order_url).text
        assert client.get("/orders").status_code == 200


def test_the_printed_quote_in_html_and_pdf(shop):
    quote = _ready_quote(shop)
    with shop.browser("rep") as client:
        printed = client.get(f"/quotes/{quote['id']}/print")
        pdf = client.get(f"/quotes/{quote['id']}/pdf")
    assert printed.status_code == 200
    assert "@page" in printed.text  # print CSS
    assert "螺丝刀套装" in printed.text and "现场培训" in printed.text
    assert quote["number"] in printed.text and "同方威视" in printed.text
    assert "1,701.69" in printed.text and "壹仟柒佰零壹元陆角玖分" in printed.text
    assert "价格含税" in printed.text  # the terms
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    with shop.browser("other_rep") as client:
        assert client.get(f"/quotes/{quote['id']}/print").status_code == 404


def test_administrators_edit_templates_and_broken_ones_are_refused(shop):
    quote = _ready_quote(shop)
    with shop.client("boss") as client:
        templates = client.get("/api/v1/quote-templates").json()
        assert [t["key"] for t in templates] == ["core.default"]
        default = templates[0]
        broken = client.patch(
            f"/api/v1/quote-templates/{default['id']}",
            json={"version": default["version"], "body": "{% for line in lines %}<p>{{ line"},
        )
        assert broken.status_code == 422 and broken.json()["field"] == "body"
        failing = client.post(
            "/api/v1/quote-templates",
            json={"key": "failing", "name": "坏", "body": "{{ lines[0].total + 'x' }}"},
        )
        assert failing.status_code == 422 and failing.json()["field"] == "body"
        custom = client.post(
            "/api/v1/quote-templates",
            json={
                "key": "simple",
                "name": "简单",
                "body": "<h1>{{ quote.number }}</h1>{% for l in lines %}"
                "<p>{{ l.description }} {{ l.total | money }}</p>{% endfor %}",
                "is_default": True,
            },
        )
        assert custom.status_code == 201, custom.text
        again = client.post(
            "/api/v1/quote-templates", json={"key": "simple", "name": "x", "body": "x"}
        )
        assert again.status_code == 409
        keys = {t["key"]: t["is_default"] for t in client.get("/api/v1/quote-templates").json()}
        assert keys == {"simple": True, "core.default": False}
    with shop.client("rep") as client:
        refused = client.post(
            "/api/v1/quote-templates", json={"key": "mine", "name": "x", "body": "x"}
        )
        assert refused.status_code == 403
    with shop.browser("rep") as client:
        assert client.get("/quotes/templates").status_code == 403
        printed = client.get(f"/quotes/{quote['id']}/print")
    # the quote was made with the core template, so it keeps printing with it
    assert "签字盖章" in printed.text
    with shop.browser("boss") as client:
        page = client.get("/quotes/templates")
        assert page.status_code == 200 and "core.default" in page.text
        form = client.get(f"/quotes/templates/{default['id']}")
        assert form.status_code == 200 and "quote.number" in form.text
        saved = client.post(
            f"/quotes/templates/{default['id']}",
            data={
                "_csrf_token": csrf_token(client),
                "version": str(default["version"]),
                "name": default["name"],
                "body": "{% if %}",
                "terms": "",
                "active": "1",
            },
        )
        assert saved.status_code == 422 and "does not compile" in saved.text


def test_templates_run_sandboxed(shop):
    quote = _ready_quote(shop)
    leak = "{{ quote.__class__ }}|{{ lines.__class__ }}|{{ quote.number }}"
    escape = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    with shop.client("boss") as client:
        harmless = client.post(
            "/api/v1/quote-templates", json={"key": "leak", "name": "leak", "body": leak}
        )
        assert harmless.status_code == 201  # unsafe attributes render as nothing
        unsafe = client.post(
            "/api/v1/quote-templates", json={"key": "escape", "name": "escape", "body": escape}
        )
        assert unsafe.status_code == 422 and "unsafe" in unsafe.json()["message"]
        client.patch(
            f"/api/v1/quotes/{quote['id']}",
            json={"version": quote["version"], "template_id": harmless.json()["id"]},
        )
    from kht.sales.quotes.printing import render_quote

    with shop.ctx("rep") as ctx:
        _, html = render_quote(ctx, quote["id"])
    assert "class" not in html and html.strip() == f"||{quote['number']}"


def test_the_default_template_is_seeded_once_and_plugins_add_theirs(shop):
    from sqlalchemy import select

    from kht.sales.quotes.models import QuoteTemplate
    from kht.sales.quotes.printing import seed_templates

    with shop.ctx(None) as ctx:
        template = ctx.session.scalar(select(QuoteTemplate))
        template.name = "改过的名字"
        assert seed_templates(ctx) == []  # nothing new, nothing overwritten
        assert ctx.session.scalar(select(QuoteTemplate.name)) == "改过的名字"


def test_saving_the_form_keeps_the_quotes_opportunity_and_currency(shop):
    customer = shop.customer("rep", "同方威视")
    with shop.client("rep") as client:
        body = {"name": "安检机会", "customer_id": customer}
        opportunity = client.post("/api/v1/opportunities", json=body).json()
        body = {"title": "美元报价", "customer_id": customer, "currency": "USD"}
        quote = client.post("/api/v1/quotes", json={**body, "opportunity_id": opportunity["id"]})
        quote = quote.json()
    with shop.browser("rep") as client:
        form = client.get(f"/quotes/{quote['id']}/edit").text
        # the customer's opportunities to choose from, the quote's chosen
        assert f'<option value="{opportunity["id"]}" selected>安检机会</option>' in form
        assert 'value="USD"' in form
        data = {
            "_csrf_token": csrf_token(client),
            "version": str(quote["version"]),
            "title": "美元报价（改）",
            "opportunity_id": str(opportunity["id"]),
            "currency": "USD",
        }
        saved = client.post(f"/quotes/{quote['id']}/edit", data=data, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        page = client.get(f"/quotes/{quote['id']}").text
    assert f'href="/opportunities/{opportunity["id"]}">安检机会' in page
    with shop.client("rep") as client:
        stored = client.get(f"/api/v1/quotes/{quote['id']}").json()
    assert stored["currency"] == "USD" and stored["opportunity_id"] == opportunity["id"]


def test_an_open_order_is_edited_on_its_form_and_a_cancelled_one_is_not(shop):
    customer = shop.customer("rep", "订单客户")
    lines = [{"description": "维保服务", "quantity": "3", "unit_price": "200"}]
    with shop.client("rep") as client:
        order = client.post("/api/v1/orders", json={"customer_id": customer, "lines": lines})
        order = order.json()
    url = f"/orders/{order['id']}"
    with shop.browser("rep") as client:
        assert f'href="{url}/edit"' in client.get(url).text
        form = client.get(f"{url}/edit")
        assert form.status_code == 200 and json.dumps("维保服务")[1:-1] in form.text
        data = {"_csrf_token": csrf_token(client), "version": str(order["version"])}
        saved = client.post(
            f"{url}/edit", data={**data, "notes": "只改备注"}, follow_redirects=False
        )
        assert saved.status_code == 303, saved.text
        stale = client.post(f"{url}/edit", data={**data, "notes": "又改"})
        assert stale.status_code == 409 and "stale-warning" in stale.text
        version = str(order["version"] + 1)
        cancelled = client.post(
            f"{url}/status", data={**data, "version": version, "status": "cancelled"}
        )
        assert cancelled.status_code == 200 and f'href="{url}/edit"' not in cancelled.text
    with shop.client("rep") as client:
        stored = client.get(f"/api/v1/orders/{order['id']}").json()
    assert stored["notes"] == "只改备注" and stored["total"] == "600.00"
    assert stored["status"] == "cancelled"
