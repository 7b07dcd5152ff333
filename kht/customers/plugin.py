"""The customers module's own hook implementations (the core uses its own hooks)."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.customers.api import CustomerController
    from kht.customers.views import ROUTES

    return [CustomerController, *ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.customers.models import Customer

    return [
        RecordKind(
            kind="customer",
            model=Customer,
            module="customers",
            label_zh="客户",
            label_en="Customers",
        )
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("customers", "view"):
        return []
    return [
        MenuItem(
            key="customers",
            label_zh="客户",
            label_en="Customers",
            url="/customers",
            icon="people",
            order=20,
        )
    ]


DEMO_CUSTOMERS = (
    ("清华同方威视技术股份有限公司", "company", "010-62780909"),
    ("上海华东电器集团有限公司", "company", "021-58881234"),
    ("Northwind Traders Ltd.", "company", "+44 20 7946 0000"),
    ("张伟", "person", "13800138000"),
)


@hookimpl(tryfirst=True)
def kht_demo_data(ctx: Any) -> None:
    """A few customers in Chinese and English (skipped when they already exist)."""
    from sqlalchemy import select

    from kht.customers.models import Customer
    from kht.customers.schemas import CustomerCreate
    from kht.customers.service import create_customer

    existing = set(ctx.session.scalars(select(Customer.name)))
    for name, kind, phone in DEMO_CUSTOMERS:
        if name not in existing:
            create_customer(ctx, CustomerCreate(name=name, kind=kind, phone=phone))
