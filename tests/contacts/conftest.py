"""Contact test fixtures: an office with reps in two departments, a manager and service."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.db.custom_fields import CustomField
from kht.testing import add_user, bearer, runtime_of

STAFF = (
    ("boss", "administrator", "HQ"),
    ("manager", "sales_manager", "Sales"),
    ("rep", "sales_rep", "Sales/East"),
    ("other_rep", "sales_rep", "Sales/West"),
    ("svc", "service", "Service"),
)


@dataclass
class Office:
    """An app with staff; `client`, `customer_of` and `ctx_of` act as a given login."""

    app: object
    runtime: object
    users: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def customer_of(self, login: str, name: str) -> int:
        with self.runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
            return create_customer(ctx, CustomerCreate(name=name)).id

    def add_field(self, kind: str, name: str, type_: str, **more) -> None:
        """An administrator-defined custom field on `kind`."""
        with self.runtime.ctx() as ctx:
            ctx.session.add(
                CustomField(kind=kind, name=name, type=type_, label_zh=name, label_en=name, **more)
            )


@pytest.fixture
def office(kht_app) -> Office:
    app = kht_app()
    runtime = runtime_of(app)
    built = Office(app=app, runtime=runtime)
    for login, role, department in STAFF:
        built.users[login] = add_user(runtime, login, role, department=department)
    return built
