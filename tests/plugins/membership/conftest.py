"""A store chain's membership: the pack enabled, the sales team, helpers acting at a time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from plugins.membership import service
from plugins.membership.schemas import MemberCreate, TransactionCreate
from tests.team import Team, build_team

TODAY = date(2026, 6, 15)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


class Club(Team):
    @contextmanager
    def on(self, day: date = TODAY, login: str | None = "admin") -> Iterator[Any]:
        """A context acting as `login` whose clock reads noon of `day`."""
        with self.ctx(login) as ctx:
            ctx.clock = lambda: noon(day)
            yield ctx

    def member(self, name: str = "王小明", owner: str | None = "rep1", **values: Any) -> int:
        """A new customer made a member (joined and started on TODAY unless told)."""
        customer = self.customer(name, owner=owner, kind="person")
        values.setdefault("start_date", values.get("join_date", TODAY))
        with self.on(values.get("join_date", TODAY)) as ctx:
            return service.create_member(ctx, MemberCreate(customer_id=customer, **values)).id

    def buy(self, member_id: int, amount: str, day: date = TODAY, key: str = "", **more: Any):
        with self.on(day) as ctx:
            data = TransactionCreate(
                member_id=member_id,
                external_id=key or f"r-{member_id}-{day}-{amount}-{len(more)}",
                amount=Decimal(amount),
                occurred_on=day,
                **more,
            )
            txn = service.record_transaction(ctx, data)
            return txn.id

    def get(self, member_id: int, day: date = TODAY) -> Any:
        with self.on(day) as ctx:
            member = service.get_member(ctx, member_id)
            ctx.session.expunge(member)
            return member


@pytest.fixture
def club(kht_app) -> Club:
    app = kht_app(plugins=["membership"])
    base = build_team(lambda **_: app)
    return Club(app=base.app, runtime=base.runtime, users=base.users)
