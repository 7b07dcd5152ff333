"""The pack's demo: a beverage company's territories, outlets, a month of plans and visits
with photos and audits, two promotions with a positive uplift; a second run adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from plugins.promotion.demo import load_demo
from plugins.promotion.models import (
    AuditValue,
    CompetitorObservation,
    Outlet,
    Promotion,
    Territory,
    Visit,
)


def count(ctx, what) -> int:
    return ctx.session.scalar(select(func.count()).select_from(what)) or 0


def test_the_demo_company_has_its_month_and_runs_twice(kht_app):
    from tests.plugins.promotion.conftest import Field
    from tests.team import build_team

    app = kht_app(plugins=["promotion"])
    base = build_team(lambda **_: app)
    field = Field(app=base.app, runtime=base.runtime, users=base.users)
    with field.at("admin") as ctx:
        assert load_demo(ctx, size=300, days=10) == 300
    with field.at("admin") as ctx:
        assert load_demo(ctx, size=300) == 0
        assert count(ctx, Outlet) == 300
        levels = dict(
            ctx.session.execute(
                select(Territory.level, func.count()).group_by(Territory.level)
            ).all()
        )
        assert levels == {"region": 2, "city": 4, "district": 9}
        visits = ctx.session.scalars(select(Visit)).all()
        assert {v.status for v in visits} == {"done", "missed"}
        assert any(v.in_radius is False for v in visits) and any(v.in_radius for v in visits)
        assert sum(v.photos for v in visits) > 0
        sightings = ctx.session.scalars(select(CompetitorObservation)).all()
        assert sightings and any(s.photos for s in sightings)
        assert all(s.activity in ("promotion", "display") for s in sightings if s.photos)
        assert count(ctx, AuditValue) > 0
        promotions = ctx.session.scalars(select(Promotion)).all()
        assert len(promotions) == 2
        assert all(p.uplift_pct is not None and p.uplift_pct > 0 for p in promotions)
        assert all(p.cost_approved > 0 for p in promotions)
