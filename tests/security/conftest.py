"""A small company for permission tests: a department tree, two branches, reps, managers."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.auth.service import find_user
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import add_user, bearer, runtime_of

# login -> (role, department path, branch, business lines)
STAFF = {
    "admin": ("administrator", "HQ", "Beijing", ()),
    "director": ("sales_manager", "Sales", "Beijing", ()),
    "east_mgr": ("sales_manager", "Sales/East", "Shanghai", ()),
    "east_rep": ("sales_rep", "Sales/East", "Shanghai", ("Devices",)),
    "east_rep2": ("sales_rep", "Sales/East", "Beijing", ("Office",)),
    "west_rep": ("sales_rep", "Sales/West", "Beijing", ("Devices",)),
    "exec": ("executive", "HQ", "Beijing", ()),
    "mkt": ("marketing", "Marketing", "Beijing", ()),
    "svc": ("service", "Service", "Shanghai", ()),
}
OWNERS = ("east_rep", "east_rep2", "west_rep", "east_mgr", "director")


@dataclass
class World:
    app: object
    runtime: object
    ids: dict[str, int] = field(default_factory=dict)  # customer id by owner login
    users: dict[str, int] = field(default_factory=dict)

    def client(self, login: str) -> TestClient:
        client = TestClient(self.app)
        client.headers.update(bearer(self.runtime, login))
        return client

    def customer_as(self, login: str, name: str) -> int:
        with self.runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, find_user(ctx.session, login).id)
            return create_customer(ctx, CustomerCreate(name=name)).id


@pytest.fixture
def world(kht_app) -> World:
    app = kht_app()
    runtime = runtime_of(app)
    built = World(app=app, runtime=runtime)
    for login, (role, department, branch, lines) in STAFF.items():
        built.users[login] = add_user(
            runtime, login, role, department=department, branch=branch, business_lines=lines
        )
    for owner in OWNERS:
        built.ids[owner] = built.customer_as(owner, f"customer of {owner}")
    return built


@pytest.fixture
def app(kht_app):
    """An app with a sales rep `rep` and an administrator `boss` (sessions, throttling)."""
    app = kht_app()
    add_user(runtime_of(app), "rep", "sales_rep", department="Sales")
    add_user(runtime_of(app), "boss", "administrator")
    return app
