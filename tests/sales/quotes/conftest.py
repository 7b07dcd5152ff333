"""Quote and order fixtures: a shop with an administrator, a manager, two reps in two
departments, a small catalogue and customers owned by the reps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.context import Ctx
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.products.schemas import ProductCreate
from kht.products.service import create_product
from kht.testing import add_user, bearer, log_in, runtime_of

STAFF = (
    ("boss", "administrator", "HQ"),
    ("manager", "sales_manager", "Sales"),
    ("rep", "sales_rep", "Sales/East"),
    ("other_rep", "sales_rep", "Sales/North"),
    ("outsider", "sales_manager", "Service"),
)


@dataclass
class Shop:
    app: Any
    runtime: Any
    users: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def browser(self, login: str) -> TestClient:
        client = TestClient(self.app)
        log_in(client, login)
        return client

    @contextmanager
    def ctx(self, login: str | None = "boss") -> Iterator[Ctx]:
        with self.runtime.ctx() as ctx:
            if login is not None:
                ctx.user = load_principal(ctx.session, self.users[login])
            yield ctx

    def customer(self, login: str, name: str) -> int:
        with self.ctx(login) as ctx:
            return create_customer(ctx, CustomerCreate(name=name)).id

    def product(self, code: str, price: str, tax: str = "0.13", **values: Any) -> int:
        with self.ctx("boss") as ctx:
            data = ProductCreate(
                code=code,
                name=values.pop("name", f"产品 {code}"),
                unit=values.pop("unit", "台"),
                list_price=Decimal(price),
                tax_rate=Decimal(tax),
                **values,
            )
            self.products[code] = create_product(ctx, data).id
            return self.products[code]

    def quote(self, login: str, customer_id: int, lines: list[dict], **values: Any) -> dict:
        body = {"title": values.pop("title", "报价"), "customer_id": customer_id, "lines": lines}
        with self.client(login) as client:
            response = client.post("/api/v1/quotes", json={**body, **values})
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def shop(kht_app) -> Shop:
    app = kht_app()
    built = Shop(app=app, runtime=runtime_of(app))
    for login, role, department in STAFF:
        built.users[login] = add_user(built.runtime, login, role, department=department)
    built.product("P-33", "33.33", name="螺丝刀套装", unit="套")
    built.product("P-100", "100.00", tax="0.06", name="安装服务", unit="次")
    return built
