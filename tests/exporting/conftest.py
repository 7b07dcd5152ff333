"""Export test fixtures: the import world with customers of three owners."""

from __future__ import annotations

import pytest

from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.jobs import worker
from tests.importing.conftest import World, add_field, world  # noqa: F401


@pytest.fixture(autouse=True)
def own_queue(tmp_path, monkeypatch):
    monkeypatch.setenv("KHT_HUEY_PATH", str(tmp_path / "huey.db"))
    worker.forget_queues()
    yield
    worker.forget_queues()


def customer(company: World, login: str, **values) -> int:
    with company.ctx_as(login) as ctx:
        return create_customer(ctx, CustomerCreate(**values)).id


@pytest.fixture
def filled(world: World) -> World:  # noqa: F811 - the fixture imported above
    """Customers of mgr and rep (Sales/East) and of west (Sales/West); custom fields."""
    add_field(world, "level", "single_choice", "客户等级", "Level", choices=["A", "B"])
    add_field(world, "tags", "multi_choice", "行业", "Industries", choices=["医疗", "电力"])
    customer(
        world,
        "mgr",
        name="清华同方威视",
        phone="010-62780909",
        ext={"custom": {"level": "A", "tags": ["医疗", "电力"]}},
    )
    customer(
        world,
        "rep",
        name='=HYPERLINK("http://evil","点我")',
        phone="+86 10 1234",
        address="@sum(1+1)",  # an email could not start with "@": the service refuses it
    )
    customer(world, "west", name="西部电力", phone="029-1")
    return world
