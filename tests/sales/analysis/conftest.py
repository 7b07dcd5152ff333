"""Analysis fixtures: the sales team of tests/team.py (Sales/East: a manager and two reps,
Sales/West: one rep) with a customer each, and helpers that build opportunities through the
opportunity services at chosen times."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from kht.context import Ctx
from kht.org.models import Department
from kht.sales.opportunities import service as opportunities
from kht.sales.opportunities.schemas import OpportunityCreate
from kht.sales.processes import service as processes
from kht.sales.quotas.schemas import QuotaCreate
from kht.sales.quotas.service import create_quota
from tests.team import Team, build_team


class Sales(Team):
    customers: dict[str, int]

    @contextmanager
    def at(self, login: str, when: datetime) -> Iterator[Ctx]:
        """A service context acting as `login` whose clock says `when`."""
        with self.ctx(login) as ctx:
            ctx.clock = lambda: when
            yield ctx

    def stages(self) -> dict[str, int]:
        with self.ctx("admin") as ctx:
            return {s.key: s.id for s in processes.default_process(ctx).stages}

    def department(self, name: str) -> int:
        with self.ctx(None) as ctx:
            return ctx.session.scalar(select(Department.id).where(Department.name == name))

    def opportunity(
        self,
        login: str,
        amount: str,
        *,
        close: date | None = None,
        category: str = "pipeline",
        at: datetime = datetime(2026, 10, 5, 4, tzinfo=UTC),
        **values,
    ) -> int:
        with self.at(login, at) as ctx:
            data = OpportunityCreate(
                name=f"{login} {amount}",
                customer_id=self.customers[login],
                amount=Decimal(amount),
                expected_close=close,
                forecast_category=category,
                **values,
            )
            return opportunities.create_opportunity(ctx, data).id

    def move(self, login: str, opportunity_id: int, stage: str, at: datetime) -> None:
        stage_id = self.stages()[stage]
        with self.at(login, at) as ctx:
            current = opportunities.get_opportunity(ctx, opportunity_id)
            opportunities.move_stage(ctx, opportunity_id, stage_id, version=current.version)

    def close(self, login: str, opportunity_id: int, won: bool, at: datetime) -> None:
        with self.at(login, at) as ctx:
            opportunities.close_opportunity(
                ctx, opportunity_id, won=won, reason="" if won else "price"
            )

    def quota(
        self,
        target_type: str,
        target_id: int,
        amount: str,
        start=date(2026, 10, 1),
        period="quarter",
    ) -> None:
        with self.ctx("admin") as ctx:
            data = QuotaCreate(
                target_type=target_type,
                target_id=target_id,
                period=period,
                period_start=start,
                amount=Decimal(amount),
            )
            create_quota(ctx, data)


@pytest.fixture
def sales(kht_app) -> Sales:
    team = build_team(kht_app)
    built = Sales(app=team.app, runtime=team.runtime, users=team.users)
    built.customers = {
        login: built.customer(f"{login} 的客户", login) for login in ("rep1", "rep2", "west_rep")
    }
    return built
