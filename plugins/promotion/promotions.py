"""In-store promotions: the plan (outlets, period, mechanic, budget), cost claims with
receipts and their approval, reported outlet sales, and the uplift against a control group.

Uplift is a difference of changes: each group's average daily sell-through per outlet during
the promotion over the same-length period before it; the promoted outlets' ratio over the
control outlets' ratio, minus one. The control group is the outlets of the same types and
grades (and region, when the promotion has one) that were not in the promotion.

Sell-through is read, as the promotion says (`sell_through`), from the outlets' reported
sales (`promotion_outlet_sales`) or from the real orders of the outlets' customers (the
core's live, not cancelled orders, `kht.sales.orders.service.revenue_rows`, by order date).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, func, or_, select

from kht.plugin_api import (
    Choice,
    Conflict,
    Ctx,
    FieldDef,
    RecordKind,
    RecordPages,
    ValidationError,
    changes_of,
    create_record,
    get_record,
    require,
    require_change,
    update_record,
    visible,
)
from kht.sales.orders.service import revenue_rows
from plugins.promotion.models import CostClaim, Outlet, OutletSale, Promotion, PromotionOutlet
from plugins.promotion.schemas import (
    ClaimCreate,
    ClaimOut,
    ClaimUpdate,
    PromotionCreate,
    PromotionOut,
    PromotionUpdate,
    SaleIn,
    Uplift,
)
from plugins.promotion.service import MANAGE, MODULE, get_outlet, subtree_ids

PROMOTION_KIND = "promotion_promotion"
CLAIM_KIND = "promotion_claim"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e12")


def _amount(value: Decimal, field: str, low: Decimal = ZERO) -> None:
    if not value.is_finite() or not low <= value <= MAX_AMOUNT:
        raise ValidationError(f"an amount from {low} to 1e12 is expected", field)


def create_promotion(ctx: Ctx, data: PromotionCreate) -> Promotion:
    """A planned promotion and its outlets (each one the caller may see)."""
    _period(data.start_on, data.end_on)
    _amount(data.budget, "budget")
    values = {k: getattr(data, k) for k in ("name", "mechanic", "start_on", "end_on")}
    values |= {"budget": data.budget, "territory_id": data.territory_id}
    values |= {"sell_through": data.sell_through}
    values |= {"description": data.description, "ext": data.ext}
    promotion = create_record(ctx, PROMOTIONS, values)
    set_outlets(ctx, promotion.id, data.outlets)
    return promotion


def _period(start: Any, end: Any) -> None:
    if end < start:
        raise ValidationError("the promotion ends before it starts", "end_on")


def update_promotion(ctx: Ctx, promotion_id: int, data: PromotionUpdate) -> Promotion:
    promotion = get_promotion(ctx, promotion_id)
    changes = changes_of(data)
    _period(changes.get("start_on", promotion.start_on), changes.get("end_on", promotion.end_on))
    if "budget" in changes:
        _amount(changes["budget"], "budget")
    return update_record(ctx, PROMOTIONS, promotion, data.version, changes)


def get_promotion(ctx: Ctx, promotion_id: int) -> Promotion:
    return get_record(ctx, PROMOTIONS, promotion_id)


def set_outlets(ctx: Ctx, promotion_id: int, outlet_ids: list[int]) -> None:
    """Replace the promotion's outlets."""
    promotion = get_promotion(ctx, promotion_id)
    require_change(ctx, PROMOTIONS, promotion)
    for outlet_id in set(outlet_ids):
        get_outlet(ctx, outlet_id)
    ctx.session.execute(delete(PromotionOutlet).where(PromotionOutlet.promotion_id == promotion.id))
    ctx.session.add_all(
        PromotionOutlet(promotion_id=promotion.id, outlet_id=o) for o in sorted(set(outlet_ids))
    )
    ctx.session.flush()


def outlet_ids(ctx: Ctx, promotion_id: int) -> list[int]:
    query = select(PromotionOutlet.outlet_id).where(PromotionOutlet.promotion_id == promotion_id)
    return list(ctx.session.scalars(query))


# ---------------------------------------------------------------------------- claims


def create_claim(ctx: Ctx, data: ClaimCreate) -> CostClaim:
    """A cost claimed against a promotion the caller can see (receipts attach as files)."""
    get_promotion(ctx, data.promotion_id)
    _amount(data.amount, "amount", CENT)
    values = {"promotion_id": data.promotion_id, "amount": data.amount}
    return create_record(ctx, CLAIMS, values | {"description": data.description, "ext": data.ext})


def update_claim(ctx: Ctx, claim_id: int, data: ClaimUpdate) -> CostClaim:
    claim = get_record(ctx, CLAIMS, claim_id)
    if claim.status != "submitted":
        raise Conflict("a decided claim cannot be changed", "status")
    changes = changes_of(data)
    if "amount" in changes:
        _amount(changes["amount"], "amount", CENT)
    return update_record(ctx, CLAIMS, claim, data.version, changes)


def decide_claim(ctx: Ctx, claim_id: int, approve: bool) -> CostClaim:
    """The manager approves or rejects a claim; approved claims add up to the promotion's
    cost (kept on the promotion for the reports)."""
    require(ctx.user, MANAGE, "edit")
    claim = get_record(ctx, CLAIMS, claim_id)
    if claim.status != "submitted":
        raise Conflict("the claim was already decided", "status")
    changes = {
        "status": "approved" if approve else "rejected",
        "decided_by_id": ctx.user_id,
        "decided_at": ctx.now(),
    }
    update_record(ctx, CLAIMS, claim, None, changes, operation=None)
    promotion = ctx.session.get(Promotion, claim.promotion_id)
    update_record(
        ctx,
        PROMOTIONS,
        promotion,
        None,
        {"cost_approved": approved_cost(ctx, promotion.id)},
        operation=None,
    )
    return claim


def approved_cost(ctx: Ctx, promotion_id: int) -> Decimal:
    query = select(func.coalesce(func.sum(CostClaim.amount), 0)).where(
        CostClaim.promotion_id == promotion_id,
        CostClaim.status == "approved",
        CostClaim.deleted_at.is_(None),
    )
    return Decimal(ctx.session.scalar(query)).quantize(CENT)


def claims_of(ctx: Ctx, promotion_id: int) -> list[CostClaim]:
    query = visible(ctx, CLAIMS).where(CostClaim.promotion_id == promotion_id)
    return list(ctx.session.scalars(query.order_by(CostClaim.id)))


# ---------------------------------------------------------------------------- sales, uplift


def report_sale(ctx: Ctx, data: SaleIn) -> OutletSale:
    """An outlet's sell-through on a day (a second report of the same day replaces it)."""
    outlet = get_outlet(ctx, data.outlet_id)
    require(ctx.user, MODULE, "edit")
    _amount(data.amount, "amount")
    query = select(OutletSale).where(
        OutletSale.outlet_id == outlet.id,
        OutletSale.sold_on == data.sold_on,
        OutletSale.source == "reported",
    )
    sale = ctx.session.scalar(query)
    if sale is None:
        sale = OutletSale(outlet_id=outlet.id, sold_on=data.sold_on, source="reported")
        ctx.session.add(sale)
    sale.amount = data.amount
    ctx.session.flush()
    return sale


def sales_rows(source: str) -> Any:
    """Sell-through rows (outlet_id, day, amount) of a source: the outlets' reported sales,
    or the live, not cancelled orders of the outlets' customers by order date."""
    if source == "orders":
        orders = revenue_rows().subquery()
        query = select(Outlet.id.label("outlet_id"), orders.c.day, orders.c.amount).join(
            orders, orders.c.customer_id == Outlet.customer_id
        )
    elif source == "reported":
        query = select(OutletSale.outlet_id, OutletSale.sold_on.label("day"), OutletSale.amount)
    else:
        raise ValidationError("the sell-through source is reported or orders", "source")
    return query.subquery()


def _daily(ctx: Ctx, rows: Any, outlets: list[int], start: date, end: date) -> Decimal:
    """Average daily sell-through per outlet over [start, end], up to yesterday (a running
    promotion is measured over its days so far)."""
    end = min(end, ctx.today() - timedelta(days=1))
    if not outlets or end < start:
        return ZERO
    total = ctx.session.scalar(
        select(func.coalesce(func.sum(rows.c.amount), 0)).where(
            rows.c.outlet_id.in_(outlets), rows.c.day >= start, rows.c.day <= end
        )
    )
    days = (end - start).days + 1
    return (Decimal(str(total)) / (days * len(outlets))).quantize(CENT)


def control_outlets(
    ctx: Ctx, promotion: Promotion, promoted: list[int], rows: Any = None
) -> list[int]:
    """Outlets like the promoted ones (same type and grade, same region if the promotion
    has one) that were not in it and have sell-through in `rows` (default: the promotion's
    source) from the period before the promotion to its end (an outlet without any would
    only dilute the comparison)."""
    if not promoted:
        return []
    rows = sales_rows(promotion.sell_through) if rows is None else rows
    length = promotion.end_on - promotion.start_on + timedelta(days=1)
    selling = select(rows.c.outlet_id).where(
        rows.c.day >= promotion.start_on - length, rows.c.day <= promotion.end_on
    )
    kinds = ctx.session.execute(
        select(Outlet.outlet_type, Outlet.grade).where(Outlet.id.in_(promoted)).distinct()
    ).all()
    query = select(Outlet.id).where(
        Outlet.deleted_at.is_(None),
        Outlet.id.not_in(promoted),
        Outlet.id.in_(selling),
        or_(*(and_(Outlet.outlet_type == t, Outlet.grade == g) for t, g in kinds)),
    )
    if promotion.territory_id is not None:
        query = query.where(Outlet.territory_id.in_(subtree_ids(ctx, promotion.territory_id)))
    return list(ctx.session.scalars(query))


def _ratio(after: Decimal, before: Decimal) -> Decimal | None:
    return None if not before else after / before


def uplift(ctx: Ctx, promotion_id: int, source: str | None = None) -> Uplift:
    """Sell-through before, during and after the promotion against the control group, from
    `source` (`reported` or `orders`; default: the promotion's own; another is a 422 naming
    `source`)."""
    promotion = get_promotion(ctx, promotion_id)
    source = source or promotion.sell_through
    rows = sales_rows(source)
    promoted = outlet_ids(ctx, promotion.id)
    control = control_outlets(ctx, promotion, promoted, rows)
    length = (promotion.end_on - promotion.start_on).days + 1
    periods = {
        "before": (promotion.start_on - timedelta(days=length), promotion.start_on - timedelta(1)),
        "during": (promotion.start_on, promotion.end_on),
        "after": (promotion.end_on + timedelta(1), promotion.end_on + timedelta(days=length)),
    }
    ours = {key: _daily(ctx, rows, promoted, *span) for key, span in periods.items()}
    theirs = {key: _daily(ctx, rows, control, *span) for key, span in periods.items()}
    during = _lift(ours, theirs, "during")
    incremental = ZERO
    if during is not None:
        # What the promoted outlets would have sold had they moved like the control group.
        expected = ours["before"] * theirs["during"] / theirs["before"]
        incremental = ((ours["during"] - expected) * length * len(promoted)).quantize(CENT)
    cost = approved_cost(ctx, promotion.id)
    return Uplift(
        source=source,
        promoted_outlets=len(promoted),
        control_outlets=len(control),
        promoted=ours,
        control=theirs,
        uplift_pct=during,
        after_pct=_lift(ours, theirs, "after"),
        incremental_sales=incremental,
        cost=cost,
        roi=(incremental / cost).quantize(CENT) if cost else None,
    )


def _lift(ours: dict[str, Decimal], theirs: dict[str, Decimal], key: str) -> Decimal | None:
    mine, control = _ratio(ours[key], ours["before"]), _ratio(theirs[key], theirs["before"])
    if mine is None or not control:
        return None
    return ((mine / control - 1) * 100).quantize(CENT)


def refresh_uplift(ctx: Ctx, promotion_id: int) -> Uplift:
    """Compute the uplift from the promotion's source and keep it on the promotion (for the
    reports)."""
    result = uplift(ctx, promotion_id)
    promotion = get_promotion(ctx, promotion_id)
    update_record(
        ctx, PROMOTIONS, promotion, None, {"uplift_pct": result.uplift_pct}, operation=None
    )
    return result


# ---------------------------------------------------------------------------- the kinds


def _f(name: str, type_: str, zh: str, en: str, **more: Any) -> FieldDef:
    return FieldDef(name=name, type=type_, label_zh=zh, label_en=en, namespace="", **more)


MECHANICS = (
    Choice(key="discount", label_zh="折扣", label_en="Discount"),
    Choice(key="gift", label_zh="买赠", label_en="Gift with purchase"),
    Choice(key="tasting", label_zh="试饮试吃", label_en="Tasting"),
    Choice(key="display", label_zh="陈列", label_en="Display"),
)
SELL_THROUGH = (
    Choice(key="reported", label_zh="网点上报销量", label_en="Reported outlet sales"),
    Choice(key="orders", label_zh="订单", label_en="Orders"),
)
CLAIM_STATUSES = (
    Choice(key="submitted", label_zh="待审批", label_en="Submitted"),
    Choice(key="approved", label_zh="已批准", label_en="Approved"),
    Choice(key="rejected", label_zh="已驳回", label_en="Rejected"),
)

PROMOTIONS = RecordKind(
    kind=PROMOTION_KIND,
    model=Promotion,
    module=MODULE,
    label_zh="店内促销",
    label_en="In-store promotions",
    plural="promotions",
    fields=(
        _f("name", "text", "名称", "Name", required=True),
        _f("mechanic", "single_choice", "形式", "Mechanic", choices=MECHANICS),
        _f("start_on", "date", "开始", "Starts", required=True),
        _f("end_on", "date", "结束", "Ends", required=True),
        _f("budget", "money", "预算", "Budget"),
        _f("sell_through", "single_choice", "动销数据", "Sell-through from", choices=SELL_THROUGH),
        _f("territory_id", "number", "区域", "Region"),
        _f("cost_approved", "money", "已批费用", "Approved cost"),
        _f("uplift_pct", "number", "增量%", "Uplift %"),
        _f("description", "long_text", "说明", "Description"),
    ),
    searchable=("name", "description"),
    default_sort="-start_on",
    create_schema=PromotionCreate,
    update_schema=PromotionUpdate,
    out_schema=PromotionOut,
    create=create_promotion,
    update=update_promotion,
    inline_edit=False,
    pages=RecordPages(
        badge="mechanic",
        form_fields=(
            "name",
            "mechanic",
            "start_on",
            "end_on",
            "budget",
            "territory_id",
            "sell_through",
            "description",
        ),
        list_filters=("mechanic",),
    ),
)

CLAIMS = RecordKind(
    kind=CLAIM_KIND,
    model=CostClaim,
    module=MODULE,
    label_zh="促销费用申请",
    label_en="Promotion cost claims",
    plural="promotion-claims",
    fields=(
        _f("promotion_id", "number", "促销", "Promotion", required=True),
        _f("amount", "money", "金额", "Amount", required=True),
        _f("description", "text", "说明", "Description"),
        _f("status", "single_choice", "状态", "Status", choices=CLAIM_STATUSES),
        _f("decided_by_id", "user", "审批人", "Decided by"),
    ),
    searchable=("description",),
    create_schema=ClaimCreate,
    update_schema=ClaimUpdate,
    out_schema=ClaimOut,
    create=create_claim,
    update=update_claim,
    inline_edit=False,
    pages=RecordPages(
        badge="status",
        form_fields=("promotion_id", "amount", "description"),
        list_filters=("status", "promotion_id"),
    ),
)
