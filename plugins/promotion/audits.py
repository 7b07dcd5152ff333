"""Store audits: the form of an outlet's type (settings), the answers stored as structured
values (one row per metric, brand and SKU), and their aggregates — shelf share of facings,
out-of-stock rate, average price and the price index against competitors."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from kht.plugin_api import (
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    RecordKind,
    RecordPages,
    ValidationError,
    create_record,
    update_record,
    visible,
)
from plugins.promotion.models import AuditValue, Outlet
from plugins.promotion.schemas import AuditAnswer, AuditIn, AuditItem, AuditValueOut, ValueUpdate
from plugins.promotion.service import MODULE, settings
from plugins.promotion.visits import VISITS, get_visit

AUDIT_KIND = "promotion_audit_value"
NUMERIC = {"facings", "price", "stock", "freshness"}
FLAGGED = {"out_of_stock", "posm"}
LIMITS = {
    "facings": Decimal(1000),
    "price": Decimal(100000),
    "stock": Decimal(100),
    "freshness": Decimal(3650),
}
ZERO = Decimal("0")


def form_for(ctx: Ctx, outlet_type: str) -> list[AuditItem]:
    """The audit form of an outlet type (the `default` form when it has none)."""
    forms = settings(ctx).audit_forms
    return forms.get(outlet_type) or forms.get("default", [])


def _check(answer: AuditAnswer, index: int) -> None:
    field = f"answers[{index}]"
    if answer.metric in NUMERIC:
        if answer.number is None:
            raise ValidationError(f"{answer.metric} needs a number", f"{field}.number")
        if not answer.number.is_finite() or not ZERO <= answer.number <= LIMITS[answer.metric]:
            raise ValidationError(
                f"{answer.metric} is from 0 to {LIMITS[answer.metric]}", f"{field}.number"
            )
    elif answer.flag is None:
        raise ValidationError(f"{answer.metric} needs yes or no", f"{field}.flag")


def submit_audit(ctx: Ctx, visit_id: int, data: AuditIn) -> list[AuditValue]:
    """Store the answers of a visit's audit (checked in, once): every answer is checked
    before anything is written, so a bad one leaves no half audit."""
    visit = get_visit(ctx, visit_id)
    if visit.status not in ("in_store", "done"):
        raise Conflict("check in before taking the audit", "status")
    if visit.audited:
        raise Conflict("this visit was already audited", "answers")
    if not data.answers:
        raise ValidationError("answer at least one question", "answers")
    for index, answer in enumerate(data.answers):
        _check(answer, index)
    outlet = ctx.session.get(Outlet, visit.outlet_id)
    day = ctx.local(visit.checkin_at).date() if visit.checkin_at else ctx.today()
    rows = [_value(ctx, visit, outlet, day, answer) for answer in data.answers]
    update_record(ctx, VISITS, visit, None, {"audited": True})
    return rows


def _value(ctx: Ctx, visit: Any, outlet: Outlet, day: date, answer: AuditAnswer) -> AuditValue:
    values = {
        "visit_id": visit.id,
        "outlet_id": outlet.id,
        "territory_id": outlet.territory_id,
        "outlet_type": outlet.outlet_type,
        "audited_on": day,
        "metric": answer.metric,
        "brand": answer.brand,
        "sku": answer.sku,
        "own": answer.own,
        "number": answer.number if answer.metric in NUMERIC else None,
        "flag": answer.flag if answer.metric in FLAGGED else None,
        "ext": {},
    }
    return create_record(ctx, AUDIT_VALUES, values, owner_id=visit.owner_id)


def values_of(ctx: Ctx, visit_id: int) -> list[AuditValue]:
    get_visit(ctx, visit_id)
    query = visible(ctx, AUDIT_VALUES).where(AuditValue.visit_id == visit_id)
    return list(ctx.session.scalars(query.order_by(AuditValue.id)))


def aggregates(ctx: Ctx, start: date, end: date) -> dict[str, Any]:
    """Audit figures of [start, end] in the caller's scope: shelf share of facings per brand
    (percent of all facings counted), out-of-stock rate per SKU (percent of audits that
    found it out), average price per SKU, and the price index of our SKUs against the
    competitors' average (100 = same price)."""
    query = visible(ctx, AUDIT_VALUES).where(
        AuditValue.audited_on >= start, AuditValue.audited_on <= end
    )
    facings: dict[str, Decimal] = defaultdict(Decimal)
    oos: dict[str, list[bool]] = defaultdict(list)
    prices: dict[tuple[str, bool], list[Decimal]] = defaultdict(list)
    for row in ctx.session.scalars(query):
        if row.metric == "facings":
            facings[row.brand] += row.number or ZERO
        elif row.metric == "out_of_stock" and row.flag is not None:
            oos[row.sku or row.brand].append(row.flag)
        elif row.metric == "price" and row.number is not None:
            prices[(row.sku or row.brand, row.own)].append(row.number)
    total = sum(facings.values(), ZERO)
    return {
        "shelf_share": {b: _pct(n, total) for b, n in sorted(facings.items())},
        "out_of_stock_rate": {s: _pct(sum(f), len(f)) for s, f in sorted(oos.items())},
        "average_price": {s: _avg(p) for (s, _), p in sorted(prices.items())},
        "price_index": _index(prices),
    }


def _pct(part: Any, whole: Any) -> Decimal:
    if not whole:
        return ZERO
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _avg(values: list[Decimal]) -> Decimal:
    return (sum(values, ZERO) / len(values)).quantize(Decimal("0.01"))


def _index(prices: dict[tuple[str, bool], list[Decimal]]) -> Decimal | None:
    ours = [p for (_, own), values in prices.items() if own for p in values]
    theirs = [p for (_, own), values in prices.items() if not own for p in values]
    if not ours or not theirs:
        return None
    return (_avg(ours) * 100 / _avg(theirs)).quantize(Decimal("0.1"))


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


METRIC_CHOICES = (
    Choice(key="facings", label_zh="排面数", label_en="Facings"),
    Choice(key="price", label_zh="价格", label_en="Price"),
    Choice(key="stock", label_zh="库存水平", label_en="Stock level"),
    Choice(key="out_of_stock", label_zh="缺货", label_en="Out of stock"),
    Choice(key="posm", label_zh="陈列物料", label_en="POSM displayed"),
    Choice(key="freshness", label_zh="新鲜度(距到期天数)", label_en="Freshness (days left)"),
)

AUDIT_FIELDS = (
    _f("audited_on", "date", "检查日期", "Audited on"),
    _f("outlet_id", "number", "网点", "Outlet"),
    _f("territory_id", "number", "片区", "Territory"),
    _f("outlet_type", "text", "网点类型", "Outlet type"),
    _f("metric", "single_choice", "指标", "Metric", choices=METRIC_CHOICES),
    _f("brand", "text", "品牌", "Brand"),
    _f("sku", "text", "SKU", "SKU"),
    _f("own", "boolean", "本品", "Own brand"),
    _f("number", "number", "数值", "Value"),
    _f("flag", "boolean", "是/否", "Yes / no"),
    _f("visit_id", "number", "拜访", "Visit"),
)

AUDIT_VALUES = RecordKind(
    kind=AUDIT_KIND,
    model=AuditValue,
    module=MODULE,
    label_zh="门店检查数据",
    label_en="Store audit values",
    plural="audit-values",
    fields=AUDIT_FIELDS,
    searchable=("brand", "sku"),
    default_sort="-audited_on",
    list_defaults=("audited_on", "outlet_id", "metric", "brand", "sku", "number", "flag"),
    update_schema=ValueUpdate,
    out_schema=AuditValueOut,
    inline_edit=False,
    pages=RecordPages(list_filters=("metric", "brand", "sku", "territory_id")),
)
