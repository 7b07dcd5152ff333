"""Public read functions for reports and plugins: the owners in scope and the won deals with
their sales cycle (used by the standard-product pack's rep performance)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from kht.errors import Forbidden, ValidationError
from kht.org.models import Department
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.opportunities.service import (
    close_opportunity,
    create_opportunity,
    owners_in_scope,
    won_between,
)

T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


@contextmanager
def at(team, login, when):
    with team.ctx(login) as ctx:
        ctx.clock = lambda: when
        yield ctx


def won(team, login: str, amount: str, opened: datetime, closed: datetime) -> int:
    with at(team, login, opened) as ctx:
        data = OpportunityCreate(
            name=f"{login} {amount}", customer_id=team.customers[login], amount=Decimal(amount)
        )
        opportunity_id = create_opportunity(ctx, data).id
    with at(team, login, closed) as ctx:
        close_opportunity(ctx, opportunity_id, won=True, reason="签约")
    return opportunity_id


def names(rows) -> set[str]:
    return {name for _, name, _ in rows}


def test_owners_in_scope_follow_the_role_scope_on_opportunities(team):
    with team.ctx("rep1") as ctx:
        assert names(owners_in_scope(ctx)) == {"Rep1"}
    with team.ctx("east_mgr") as ctx:
        assert names(owners_in_scope(ctx)) == {"East_Mgr", "Rep1", "Rep2"}
    with team.ctx("admin") as ctx:
        assert {"West_Rep", "Mkt", "Admin"} <= names(owners_in_scope(ctx))
        east = ctx.session.scalar(select(Department.id).where(Department.name == "East"))
        sales = ctx.session.scalar(select(Department.id).where(Department.name == "Sales"))
        assert names(owners_in_scope(ctx, east)) == {"East_Mgr", "Rep1", "Rep2"}
        assert names(owners_in_scope(ctx, sales)) == {"East_Mgr", "Rep1", "Rep2", "West_Rep"}
        with pytest.raises(ValidationError) as bad:
            owners_in_scope(ctx, 999999)
        assert bad.value.field == "department_id"
    with team.ctx("mkt") as ctx, pytest.raises(Forbidden):
        owners_in_scope(ctx)


def test_won_between_gives_each_deal_its_cycle_in_days(team):
    first = won(team, "rep1", "30000", T0, T0 + timedelta(days=10))
    second = won(team, "rep1", "20000", T0, T0 + timedelta(days=4, hours=12))
    won(team, "west_rep", "5000", T0, T0 + timedelta(days=3))
    won(team, "rep1", "1000", T0, T0 + timedelta(days=40))  # closed after the window
    window = (T0, T0 + timedelta(days=20))
    with team.ctx("rep1") as ctx:
        deals = won_between(ctx, *window)
    assert [(d.opportunity_id, d.cycle_days, d.amount) for d in deals] == [
        (second, Decimal("4.50"), Decimal("20000.00")),
        (first, Decimal("10.00"), Decimal("30000.00")),
    ]
    assert deals[0].opened_at == T0 and deals[0].closed_at == T0 + timedelta(days=4, hours=12)
    with team.ctx("east_mgr") as ctx:  # west_rep's deal is outside the manager's tree
        assert len(won_between(ctx, *window)) == 2
    with team.ctx("admin") as ctx:
        assert len(won_between(ctx, *window)) == 3
