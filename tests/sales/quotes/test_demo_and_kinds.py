"""Demo quotes and orders; quotes and orders as record kinds (hand-over, audit, panels)."""

from __future__ import annotations

from sqlalchemy import func, select

from kht.demo import load_demo
from kht.sales.orders.models import Order, Payment, PaymentPlan
from kht.sales.quotes.models import Quote
from kht.testing import runtime_of


def test_the_demo_has_quotes_and_an_order_with_a_plan_and_a_payment(kht_app):
    runtime = runtime_of(kht_app())
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)  # a second run adds nothing
    with runtime.ctx() as ctx:
        statuses = sorted(ctx.session.scalars(select(Quote.status)))
        order = ctx.session.scalar(select(Order))
        plans = ctx.session.scalar(select(func.count()).select_from(PaymentPlan))
        paid = ctx.session.scalar(select(func.sum(Payment.amount)))
        orders = ctx.session.scalar(select(func.count()).select_from(Order))
    assert statuses == ["accepted", "draft", "sent"]
    assert orders == 1 and order.quote_id is not None
    assert plans == 2 and paid == order.paid_total > 0
    assert order.paid_total < order.total


def test_quotes_and_orders_are_record_kinds_with_history(shop):
    from kht.records import record_kinds

    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"description": "x", "unit_price": "10"}])
    with shop.client("rep") as client:
        client.patch(
            f"/api/v1/quotes/{quote['id']}",
            json={"version": 1, "title": "改名", "clear_lines": True},
        )
    with shop.ctx("boss") as ctx:
        kinds = record_kinds(ctx)
        assert kinds["quote"].module == "quotes" and kinds["order"].module == "orders"
        assert kinds["quote"].columns(ctx)["number"].default
    with shop.browser("rep") as client:
        page = client.get(f"/quotes/{quote['id']}")
    assert "改名" in page.text and "x @ 10.00" in page.text  # audit shows the lines change


def test_the_history_of_a_quote_and_its_order_labels_the_number(shop):
    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"description": "x", "unit_price": "10"}])
    with shop.client("rep") as client:
        order = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).json()
    with shop.browser("rep") as client:
        pages = [client.get(f"/quotes/{quote['id']}"), client.get(f"/orders/{order['id']}")]
    for page, label in zip(pages, ("报价单编号", "订单编号"), strict=True):
        history = page.text[page.text.index('id="history"') :]
        assert label in history and ">number<" not in history  # the label, not the key


def test_handing_over_moves_open_quotes_and_orders(shop):
    from kht.auth.handover import hand_over

    customer = shop.customer("rep", "客户")
    draft = shop.quote("rep", customer, [{"description": "x", "unit_price": "10"}])
    done = shop.quote("rep", customer, [{"description": "y", "unit_price": "10"}])
    with shop.client("rep") as client:
        order = client.post(f"/api/v1/quotes/{done['id']}/accept", json={}).json()
    with shop.ctx("boss") as ctx:
        hand_over(ctx, shop.users["rep"], shop.users["other_rep"])
        owners = {q.id: q.owner_id for q in ctx.session.scalars(select(Quote))} | {
            f"o{o.id}": o.owner_id for o in ctx.session.scalars(select(Order))
        }
    assert owners[draft["id"]] == shop.users["other_rep"]  # a draft is open: it moves
    assert owners[done["id"]] == shop.users["rep"]  # an accepted quote stays
    assert owners[f"o{order['id']}"] == shop.users["other_rep"]  # an open order moves


def test_the_opportunity_page_shows_its_quotes_and_orders(shop):
    from kht.sales.opportunities.schemas import OpportunityCreate
    from kht.sales.opportunities.service import create_opportunity

    customer = shop.customer("rep", "客户")
    with shop.ctx("rep") as ctx:
        opportunity = create_opportunity(
            ctx, OpportunityCreate(name="项目", customer_id=customer)
        ).id
    quote = shop.quote(
        "rep", customer, [{"description": "x", "unit_price": "10"}], opportunity_id=opportunity
    )
    with shop.browser("rep") as client:
        page = client.get(f"/opportunities/{opportunity}")
    assert page.status_code == 200
    assert quote["number"] in page.text and 'id="panel-orders"' in page.text
    assert f"opportunity_id={opportunity}" in page.text


def test_bulk_edits_cannot_bypass_the_rules(shop):
    from kht.lists.bulk import set_field
    from kht.sales.orders.service import SPEC as ORDERS
    from kht.sales.quotes.service import SPEC as QUOTES

    customer = shop.customer("rep", "客户")
    quote = shop.quote("rep", customer, [{"description": "x", "unit_price": "10"}])
    with shop.client("rep") as client:
        order = client.post(f"/api/v1/quotes/{quote['id']}/accept", json={}).json()
    for spec, record_id, field in (
        (QUOTES, quote["id"], "total"),
        (QUOTES, quote["id"], "status"),
        (ORDERS, order["id"], "paid_total"),
        (ORDERS, order["id"], "status"),
    ):
        try:
            with shop.ctx("manager") as ctx:
                set_field(ctx, spec, spec.columns(ctx), [record_id], field, "1")
        except Exception as exc:  # noqa: BLE001 - the service's refusal
            assert getattr(exc, "field", None) == field, exc
        else:
            raise AssertionError(f"{spec.kind}.{field} was set in bulk")
    with shop.client("rep") as client:
        assert client.get(f"/api/v1/quotes/{quote['id']}").json()["total"] == "10.00"
        assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "open"
