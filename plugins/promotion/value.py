"""The outlet value model: potential (grade, category size of the outlet's type, location)
and the sell-through trend, each part explained in points of 100.

- grade: A 35, B 22, C 10 points;
- category size: how much of the category an outlet of this type sells (supermarkets and
  wholesalers most, hospitals least), up to 25;
- location: the outlet's territory's average daily sell-through per outlet against the
  average of all outlets (the same: 10; twice or more: 20);
- trend: the last 28 whole days' sell-through against the 28 days before (flat: 10, doubled or
  more: 20, halved or worse: 0; no sales reported: 5).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from kht.plugin_api import Ctx, Score, ScorePart
from plugins.promotion.models import Outlet, OutletSale

VALUE_MODEL = "promotion.outlet_potential"
GRADE_POINTS = {"A": 35, "B": 22, "C": 10}
CATEGORY_POINTS = {
    "supermarket": 25,
    "wholesaler": 25,
    "convenience": 15,
    "restaurant": 12,
    "pharmacy": 10,
    "hospital": 8,
    "other": 5,
}
WINDOW = 28


def _clamp(value: Decimal, low: int, high: int) -> Decimal:
    return max(Decimal(low), min(Decimal(high), value)).quantize(Decimal("0.1"))


def _per_outlet_day(ctx: Ctx, outlet_filter: Any, start: Any, end: Any) -> Decimal | None:
    row = ctx.session.execute(
        select(
            func.coalesce(func.sum(OutletSale.amount), 0),
            func.count(func.distinct(OutletSale.outlet_id)),
        )
        .join(Outlet, Outlet.id == OutletSale.outlet_id)
        .where(outlet_filter, OutletSale.sold_on >= start, OutletSale.sold_on <= end)
    ).one()
    total, outlets = row
    if not outlets:
        return None
    return Decimal(total) / outlets / ((end - start).days + 1)


def _location(ctx: Ctx, outlet: Outlet, today: Any) -> ScorePart:
    start = today - timedelta(days=90)
    everyone = _per_outlet_day(ctx, Outlet.deleted_at.is_(None), start, today)
    here = None
    if outlet.territory_id is not None:
        here = _per_outlet_day(ctx, Outlet.territory_id == outlet.territory_id, start, today)
    if not everyone or here is None:
        return ScorePart(
            label_zh="位置",
            label_en="Location",
            points=Decimal(10),
            explanation="片区暂无销量数据，按平均计",
            explanation_en="no sales reported in the territory yet: counted as average",
        )
    ratio = here / everyone
    return ScorePart(
        label_zh="位置",
        label_en="Location",
        points=_clamp(ratio * 10, 0, 20),
        explanation=f"片区单店日均动销为全部网点的 {ratio:.0%}",
        explanation_en=f"the territory sells {ratio:.0%} of the average outlet's daily sales",
    )


def _trend(ctx: Ctx, outlet: Outlet, today: Any) -> ScorePart:
    # Whole days only: the windows end yesterday.
    mine, end = Outlet.id == outlet.id, today - timedelta(days=1)
    recent = _per_outlet_day(ctx, mine, end - timedelta(days=WINDOW - 1), end)
    before = _per_outlet_day(
        ctx, mine, end - timedelta(days=2 * WINDOW - 1), end - timedelta(days=WINDOW)
    )
    if recent is None and before is None:
        return ScorePart(
            label_zh="动销趋势",
            label_en="Sell-through trend",
            points=Decimal(5),
            explanation="暂无销量上报",
            explanation_en="no sales reported",
        )
    recent, before = recent or Decimal(0), before or Decimal(0)
    ratio = recent / before if before else Decimal(2)
    return ScorePart(
        label_zh="动销趋势",
        label_en="Sell-through trend",
        points=_clamp((ratio - Decimal("0.5")) * Decimal(20) / Decimal("1.5"), 0, 20),
        explanation=f"近{WINDOW}天日均 {recent:.2f}，之前 {before:.2f}",
        explanation_en=f"last {WINDOW} days {recent:.2f} a day, before {before:.2f}",
    )


def outlet_value(ctx: Ctx, outlet: Outlet) -> Score:
    """The outlet's potential and trend (reads only)."""
    today = ctx.today()
    grade = GRADE_POINTS.get(outlet.grade, 0)
    category = CATEGORY_POINTS.get(outlet.outlet_type, 5)
    parts = (
        ScorePart(
            label_zh="等级",
            label_en="Grade",
            points=grade,
            explanation=f"{outlet.grade} 类网点",
            explanation_en=f"grade {outlet.grade}",
        ),
        ScorePart(
            label_zh="品类规模",
            label_en="Category size",
            points=category,
            explanation=f"网点类型 {outlet.outlet_type}",
            explanation_en=f"outlet type {outlet.outlet_type}",
        ),
        _location(ctx, outlet, today),
        _trend(ctx, outlet, today),
    )
    total = sum((Decimal(p.points) for p in parts), Decimal(0))
    return Score(total=min(total, Decimal(100)), parts=parts)
