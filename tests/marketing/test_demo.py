"""The demo company's campaigns: several channels with costs, members, responses, leads and
won revenue, so the ROI reports show something real; a second run adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from kht.demo import load_demo
from kht.marketing.models import Campaign
from kht.marketing.results import results
from kht.reports import service as reports
from kht.testing import acting_as, runtime_of


def test_the_demo_has_campaigns_with_money_members_leads_and_revenue(kht_app):
    runtime = runtime_of(kht_app())
    load_demo(runtime, size=10)
    with acting_as(runtime, "zhou.marketing") as ctx:
        campaigns = ctx.session.scalars(select(Campaign).order_by(Campaign.id)).all()
        assert len({c.channel for c in campaigns}) >= 5
        every = {c.name: results(ctx, c.id) for c in campaigns}
        assert sum(r.cost for r in every.values()) > 0
        assert any(r.over_budget for r in every.values())
        assert sum(r.responded for r in every.values()) > 0
        assert sum(r.leads for r in every.values()) > 0
        assert sum(r.won_revenue_first_touch for r in every.values()) > Decimal("0")
        assert any(r.roi is not None and r.roi > 0 for r in every.values())
        effect = reports.run_report(ctx, "marketing.effect_by_channel")
        assert len(effect.rows) >= 5
        count = ctx.session.scalar(select(func.count()).select_from(Campaign))
    load_demo(runtime, size=10)
    with acting_as(runtime, "zhou.marketing") as ctx:
        assert ctx.session.scalar(select(func.count()).select_from(Campaign)) == count
