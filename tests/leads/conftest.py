"""Lead test fixtures: an office with reps, a manager and marketing, plus the listener plugin."""

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
from tests.leads import listener_plugin

STAFF = (
    ("boss", "administrator", "HQ"),
    ("manager", "sales_manager", "Sales"),
    ("rep", "sales_rep", "Sales/East"),
    ("other_rep", "sales_rep", "Sales/West"),
    ("mkt", "marketing", "Marketing"),
    ("svc", "service", "Service"),
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

    def customer_of(self, login: str, name: str, **values) -> int:
        with self.runtime.ctx() as ctx:
            self.as_user(ctx, login)
            return create_customer(ctx, CustomerCreate(name=name, **values)).id

    def lead_of(self, login: str, **values) -> dict:
        with self.client(login) as client:
            response = client.post("/api/v1/leads", json=values)
        assert response.status_code == 201, response.text
        return response.json()

    def add_field(self, kind: str, name: str, type_: str, **more) -> None:
        """An administrator-defined custom field on `kind`."""
        with self.runtime.ctx() as ctx:
            ctx.session.add(
                CustomField(kind=kind, name=name, type=type_, label_zh=name, label_en=name, **more)
            )


@pytest.fixture
def office(kht_app) -> Office:
    listener_plugin.HEARD.clear()
    app = kht_app(plugins=[listener_plugin.NAME], extra=[listener_plugin.__name__])
    runtime = runtime_of(app)
    built = Office(app=app, runtime=runtime)
    for login, role, department in STAFF:
        built.users[login] = add_user(runtime, login, role, department=department)
    return built
