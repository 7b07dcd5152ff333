"""A drinks company's field force: the promotion pack enabled, a territory tree
(华东 → 上海 → 静安 / 徐汇), outlets of two reps with their positions, helpers that act at a
chosen instant."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest

from plugins.promotion import service, visits
from plugins.promotion.schemas import CheckIn, OutletCreate, PlanCreate, TerritoryIn
from tests.team import Team, build_team

TODAY = date(2026, 6, 15)
# 09:00 in Shanghai.
MORNING = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)
# 静安寺 and 徐家汇: about 3.2 km apart.
JINGAN = (31.223, 121.445)
XUJIAHUI = (31.195, 121.437)


class Field(Team):
    territory: dict[str, int]

    @contextmanager
    def at(self, login: str | None = "admin", when: datetime = MORNING) -> Iterator[Any]:
        """A context acting as `login` whose clock reads `when`."""
        with self.ctx(login) as ctx:
            ctx.clock = lambda: when
            yield ctx

    def outlet(
        self, name: str, rep: str, where: tuple[float, float] | None = JINGAN, **values: Any
    ) -> int:
        """A customer of `rep` made an outlet at `where` in 静安 (unless told)."""
        customer = self.customer(name, owner=rep)
        values.setdefault("territory_id", self.territory["静安"])
        if where is not None:
            values |= {"latitude": where[0], "longitude": where[1]}
        with self.at("admin") as ctx:
            outlet = service.create_outlet(ctx, OutletCreate(customer_id=customer, **values))
            ctx.session.flush()
            outlet.owner_id = self.users[rep]
            return outlet.id

    def plan(self, rep: str, outlets: list[int], day: date = TODAY) -> int:
        with self.at(rep) as ctx:
            return visits.create_plan(ctx, PlanCreate(start_on=day, outlets=outlets)).id

    def stops(self, rep: str, plan_id: int) -> list[Any]:
        with self.at(rep) as ctx:
            found = visits.stops(ctx, plan_id)
            for stop in found:
                ctx.session.expunge(stop)
            return found

    def check_in(self, rep: str, visit_id: int, where: tuple[float, float], when=MORNING, acc=10):
        with self.at(rep, when) as ctx:
            fix = CheckIn(latitude=where[0], longitude=where[1], accuracy=acc)
            visit = visits.check_in(ctx, visit_id, fix)
            ctx.session.flush()
            ctx.session.expunge(visit)
            return visit


def _tree(team: Field) -> dict[str, int]:
    found = {}
    with team.at("admin") as ctx:
        east = service.create_territory(ctx, TerritoryIn(name="华东", level="region"))
        city = service.create_territory(
            ctx, TerritoryIn(name="上海", level="city", parent_id=east.id)
        )
        found |= {"华东": east.id, "上海": city.id}
        for name, rep in (("静安", "rep1"), ("徐汇", "rep2")):
            node = TerritoryIn(
                name=name, level="district", parent_id=city.id, rep_id=team.users[rep]
            )
            found[name] = service.create_territory(ctx, node).id
        west = service.create_territory(ctx, TerritoryIn(name="西南", level="region"))
        found["西南"] = west.id
    return found


@pytest.fixture
def field(kht_app) -> Field:
    app = kht_app(plugins=["promotion"])
    base = build_team(lambda **_: app)
    team = Field(app=base.app, runtime=base.runtime, users=base.users)
    team.territory = _tree(team)
    return team
