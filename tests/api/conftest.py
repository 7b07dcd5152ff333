"""API test fixtures: an app with an administrator's client; other users via `as_user`."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.runtime import Runtime
from kht.testing import add_user, bearer, runtime_of


@pytest.fixture
def app(kht_app):
    return kht_app()


@pytest.fixture
def runtime(app) -> Runtime:
    return runtime_of(app)


@pytest.fixture
def admin(app, runtime):
    """A client carrying the bearer token of `boss`, an administrator (is_admin off)."""
    add_user(runtime, "boss", "administrator")
    with TestClient(app) as client:
        client.headers.update(bearer(runtime, "boss"))
        yield client


def customer_of(runtime: Runtime, user_id: int, name: str = "Acme") -> int:
    """Create a customer through the service, acting as `user_id` (who becomes its owner)."""
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, user_id)
        return create_customer(ctx, CustomerCreate(name=name)).id
