"""The pack's reports run on the demo company and agree with the rows they count; a rep's
reports hold their own visits only; the outlet value model explains its parts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from kht.reports.service import report_defs, run_report
from kht.value.service import score_record
from plugins.promotion.demo import load_demo
from plugins.promotion.models import AuditValue, Outlet, Visit
from plugins.promotion.promotions import report_sale
from plugins.promotion.report_defs import REPORTS
from plugins.promotion.schemas import SaleIn
from plugins.promotion.value import outlet_value
from tests.plugins.promotion.conftest import TODAY


def test_every_promotion_report_runs_and_adds_up(field):
    with field.at("admin") as ctx:
        load_demo(ctx, size=200, days=10)
    with field.at("admin") as ctx:
        keys = {r.key for r in REPORTS}
        assert keys <= set(report_defs(ctx))
        results = {key: run_report(ctx, key) for key in keys}
        outlets = ctx.session.scalar(select(func.count()).select_from(Outlet))
        oos = ctx.session.scalar(
            select(func.count()).where(AuditValue.metric == "out_of_stock", AuditValue.flag)
        )
        done = ctx.session.scalar(select(func.count()).where(Visit.status == "done"))
    for key, result in results.items():
        assert result.rows, key
    assert results["promotion.outlets_by_territory"].totals[0] == outlets
    assert results["promotion.out_of_stock"].totals[1] == oos
    assert results["promotion.rep_discipline"].totals[0] == done
    rep = field.users["rep1"]
    with field.at("rep1") as ctx:
        mine = ctx.session.scalar(
            select(func.count()).where(Visit.status == "done", Visit.owner_id == rep)
        )
        assert run_report(ctx, "promotion.rep_discipline").totals[0] == mine
    with field.at("west_rep") as ctx:
        west = field.users["west_rep"]
        theirs = ctx.session.scalar(
            select(func.count()).where(Visit.status == "done", Visit.owner_id == west)
        )
        assert run_report(ctx, "promotion.rep_discipline").totals[0] == theirs


def test_the_outlet_value_is_grade_category_location_and_trend_explained(field):
    rising = field.outlet("上升的超市", "rep1", outlet_type="supermarket", grade="A")
    flat = field.outlet("平稳的便利店", "rep1", outlet_type="convenience", grade="C")
    with field.at("admin") as ctx:
        for back in range(1, 57):
            day = TODAY - timedelta(days=back)
            recent = back <= 28
            amount = Decimal("200") if recent else Decimal("100")
            report_sale(ctx, SaleIn(outlet_id=rising, sold_on=day, amount=amount))
            report_sale(ctx, SaleIn(outlet_id=flat, sold_on=day, amount=Decimal("100")))
    with field.at("admin") as ctx:
        score = outlet_value(ctx, ctx.session.get(Outlet, rising))
        parts = {p.label_en: Decimal(p.points) for p in score.parts}
        # A 35 + supermarket 25; the district's outlets sell as all do (10); sales doubled: 20.
        assert parts == {
            "Grade": 35,
            "Category size": 25,
            "Location": Decimal("10.0"),
            "Sell-through trend": Decimal("20.0"),
        }
        assert score.total == 90
        flat_score = outlet_value(ctx, ctx.session.get(Outlet, flat))
        assert {p.label_en: Decimal(p.points) for p in flat_score.parts}[
            "Sell-through trend"
        ] == Decimal("6.7")
        assert "200.00" in score.parts[3].explanation_en
        stored = score_record(ctx, "promotion_outlet", rising)
    assert len(stored) == 1  # the core keeps the score like any other model's
