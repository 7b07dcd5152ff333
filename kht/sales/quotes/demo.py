"""Demo quotes: one accepted (its order has a payment plan and a first payment), one sent,
one draft, for the demo customers and the demo catalogue. Skipped when they exist."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from kht.auth.service import find_user
from kht.context import Ctx
from kht.customers.models import Customer
from kht.products.models import Product
from kht.sales.orders import service as orders
from kht.sales.orders.schemas import PaymentIn, PlanIn
from kht.sales.quotes import service
from kht.sales.quotes.models import Quote
from kht.sales.quotes.schemas import LineIn, QuoteCreate

# customer, title, owner login, [(product code, quantity, discount)], what happens to it
DEMO_QUOTES = (
    (
        "清华同方威视技术股份有限公司",
        "安检通道改造项目报价",
        "sun.rep",
        (("AJ-6550", "2", "0.05"), ("AJ-WT8", "4", "0.05"), ("FW-AZ01", "6", "0")),
        "accepted",
    ),
    (
        "杭州西湖医疗器械有限公司",
        "监护仪与输液泵采购报价",
        "qian.rep",
        (("YL-JH200", "5", "0.08"), ("YL-SY10", "10", "0.10"), ("YL-KZ01", "200", "0")),
        "sent",
    ),
    (
        "上海华东电器集团有限公司",
        "办公设备年度采购报价",
        "qian.rep",
        (("BG-FY4055", "3", "0"), ("BG-TY500", "2", "0.05"), ("BG-SZ01", "50", "0")),
        "draft",
    ),
)


def load(ctx: Ctx) -> None:
    from kht.demo import act_as
    from kht.products.demo import load as load_catalogue

    load_catalogue(ctx)  # idempotent; the quotes need the catalogue
    products = {row.code: row.id for row in ctx.session.execute(select(Product.code, Product.id))}
    titles = set(ctx.session.scalars(select(Quote.title)))
    for customer_name, title, owner, items, outcome in DEMO_QUOTES:
        customer_id = ctx.session.scalar(select(Customer.id).where(Customer.name == customer_name))
        if title in titles or customer_id is None or find_user(ctx.session, owner) is None:
            continue
        if any(code not in products for code, _, _ in items):
            continue
        acting = act_as(ctx, owner)
        lines = [
            LineIn(product_id=products[code], quantity=Decimal(qty), discount_rate=Decimal(off))
            for code, qty, off in items
        ]
        quote = service.create_quote(
            acting, QuoteCreate(title=title, customer_id=customer_id, lines=lines)
        )
        if outcome == "draft":
            continue
        service.send_quote(acting, quote.id)
        if outcome != "accepted":
            continue
        order = service.accept_quote(acting, quote.id)
        first = (order.total * Decimal("0.3")).quantize(Decimal("0.01"))
        start = order.order_date
        orders.add_plan(acting, order.id, PlanIn(due_date=start, amount=first, note="预付款 30%"))
        orders.add_plan(
            acting,
            order.id,
            PlanIn(
                due_date=start + timedelta(days=60), amount=order.total - first, note="验收后尾款"
            ),
        )
        orders.add_payment(
            acting,
            order.id,
            PaymentIn(received_on=start, amount=first, method="银行转账", reference="DEMO-0001"),
        )
