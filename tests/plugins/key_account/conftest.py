"""A telecom operator's key accounts: the pack enabled, the sales team (Sales/East and a
rep in the West), helpers that act at a frozen time and build data through the services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kht.sales.orders.schemas import OrderCreate
from kht.sales.orders.service import create_order
from kht.sales.quotes.schemas import LineIn
from plugins.key_account import service
from plugins.key_account.health import run_nightly
from plugins.key_account.schemas import AgreementCreate, ConsumptionCreate
from tests.team import Team, build_team

TODAY = date(2026, 6, 15)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


class Operator(Team):
    @contextmanager
    def on(self, day: date = TODAY, login: str | None = "admin") -> Iterator[Any]:
        """A context acting as `login` whose clock reads noon of `day`."""
        with self.ctx(login) as ctx:
            ctx.clock = lambda: noon(day)
            yield ctx

    def company(self, name: str, owner: str = "rep1", parent: int | None = None) -> int:
        """A customer (under `parent` when given) owned by `owner`."""
        return self.customer(name, owner=owner, parent_id=parent)

    def order(self, customer: int, amount: str, day: date = TODAY) -> int:
        """An order of one line worth `amount` (no tax) dated `day`."""
        line = LineIn(description="专线", unit_price=Decimal(amount), tax_rate=Decimal(0))
        with self.on(day) as ctx:
            data = OrderCreate(customer_id=customer, order_date=day, lines=[line])
            return create_order(ctx, data).id

    def usage(self, customer: int, month: date, amount: str, cost: str | None = None) -> int:
        """A month's consumption of mobile data worth `amount` (at `cost` when known)."""
        with self.on() as ctx:
            data = ConsumptionCreate(
                external_id=f"u-{customer}-{month}-{amount}",
                customer_id=customer,
                month=month,
                product="移动数据",
                quantity=Decimal("1000"),
                amount=Decimal(amount),
                cost=None if cost is None else Decimal(cost),
            )
            return service.record_consumption(ctx, data).id

    def agreement(self, customer: int, end: date, notice_days: int = 30, **more: Any) -> int:
        with self.on() as ctx:
            data = AgreementCreate(
                customer_id=customer,
                title=more.pop("title", "通信服务框架协议"),
                start_date=more.pop("start", date(2025, 1, 1)),
                end_date=end,
                notice_days=notice_days,
                status=more.pop("status", "active"),
                **more,
            )
            return service.create_agreement(ctx, data).id

    def nightly(self, day: date = TODAY) -> dict[str, int]:
        with self.on(day, login=None) as ctx:
            return run_nightly(ctx)


@pytest.fixture
def operator(kht_app) -> Operator:
    app = kht_app(plugins=["key_account"])
    base = build_team(lambda **_: app)
    return Operator(app=base.app, runtime=base.runtime, users=base.users)
