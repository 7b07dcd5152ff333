"""Product test fixtures: an office with an administrator, a manager, reps in two branches."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.models import CustomerCategory
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import add_user, bearer, runtime_of

STAFF = (
    ("boss", "administrator", "HQ", "北京分公司"),
    ("manager", "sales_manager", "Sales", "北京分公司"),
    ("rep", "sales_rep", "Sales/East", "上海分公司"),
    ("north_rep", "sales_rep", "Sales/North", "北京分公司"),
)


@dataclass
class Office:
    """An app with staff; helpers act as a given login."""

    app: object
    runtime: object
    users: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def as_user(self, ctx, login: str):
        ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
        return ctx

    def product(self, code: str = "P-1", **values) -> dict:
        body = {"code": code, "name": values.pop("name", f"产品 {code}"), **values}
        with self.client("boss") as client:
            response = client.post("/api/v1/products", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def price_list(self, name: str, items: list[tuple[int, str, str]] = (), **values) -> dict:
        with self.client("boss") as client:
            response = client.post("/api/v1/price-lists", json={"name": name, **values})
            assert response.status_code == 201, response.text
            created = response.json()
            for product_id, price, minimum in items:
                body = {"product_id": product_id, "price": price, "min_quantity": minimum}
                added = client.post(f"/api/v1/price-lists/{created['id']}/items", json=body)
                assert added.status_code == 201, added.text
        return created

    def category(self, name: str) -> int:
        with self.runtime.ctx() as ctx:
            category = CustomerCategory(name=name)
            ctx.session.add(category)
            ctx.session.flush()
            return category.id

    def customer_of(self, login: str, name: str, **values) -> int:
        with self.runtime.ctx() as ctx:
            self.as_user(ctx, login)
            return create_customer(ctx, CustomerCreate(name=name, **values)).id

    def branch(self, name: str) -> int:
        from kht.org import service as org
        from kht.org.models import Branch

        with self.runtime.ctx() as ctx:
            return org.find_unit(ctx.session, Branch, name).id


@pytest.fixture
def office(kht_app) -> Office:
    app = kht_app()
    runtime = runtime_of(app)
    built = Office(app=app, runtime=runtime)
    for login, role, department, branch in STAFF:
        built.users[login] = add_user(runtime, login, role, department=department, branch=branch)
    return built
