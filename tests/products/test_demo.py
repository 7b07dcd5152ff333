"""Demo catalogue: a dozen products, two price lists; the key-account list prices its customers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.models import Customer, CustomerCategory
from kht.demo import load_demo
from kht.products.demo import DEMO_PRODUCTS
from kht.products.models import PriceList, PriceListItem, Product
from kht.products.pricing import price_for
from kht.testing import runtime_of


def test_the_demo_catalogue_loads_once_and_prices_key_accounts(kht_app):
    runtime = runtime_of(kht_app())
    load_demo(runtime, size=0)
    load_demo(runtime, size=0)  # a second run adds nothing
    with runtime.ctx() as ctx:
        products = ctx.session.scalar(select(func.count()).select_from(Product))
        lists = list(ctx.session.scalars(select(PriceList.name)))
        items = ctx.session.scalar(select(func.count()).select_from(PriceListItem))
        scanner = ctx.session.scalar(select(Product).where(Product.code == "AJ-6550"))
        key = ctx.session.scalar(
            select(CustomerCategory.id).where(CustomerCategory.name == "重点客户")
        )
        customer = ctx.session.scalar(select(Customer).where(Customer.name.like("清华同方%")))
        customer.category_id = key
        ctx.session.flush()
        ctx.user = load_principal(ctx.session, find_user(ctx.session, "admin").id)
        today = date(ctx.now().year, 6, 1)
        for_key_account = price_for(ctx, scanner.id, customer.id, "1", today)
        in_bulk = price_for(ctx, scanner.id, None, "5", today)
    assert products == len(DEMO_PRODUCTS) == 12
    assert len(lists) == 2 and items == 9
    assert str(for_key_account.unit_price) == "149000.00"
    assert str(in_bulk.unit_price) == "152000.00"
