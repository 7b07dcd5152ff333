"""The Standard product pack's rules: settings, the fit + engagement lead score, and what
follows a score (nurture below the threshold, route to a rep above it).

Built only on public core services (kht.value.service, kht.sales.orders.service,
kht.errors, kht.plugin_api), as a third-party plugin would be.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from kht.actions.service import TYPE_LABELS as ACTION_TYPE_LABELS
from kht.plugin_api import (
    Ctx,
    Forbidden,
    NotAuthenticated,
    Score,
    ScorePart,
    ValidationError,
    translations,
)
from kht.sales.orders.service import customer_revenue
from kht.value.service import (
    actions_of,
    active_users,
    assign_by_rule,
    record_of,
    score_record,
    tag_by_rule,
)
from plugins.standard_product import fields
from plugins.standard_product.models import SETTINGS_ID, PackSettings
from plugins.standard_product.schemas import Settings

NAME = "standard_product"
LEAD_SCORE = "standard_product.lead_score"
CUSTOMER_VALUE = "standard_product.customer_value"
MODULE = "standard_product"
_CACHE = "standard_product.settings"

# Fit: points a lead earns for each profile dimension it matches (together 60).
FIT_POINTS: tuple[tuple[str, str, str, str, int], ...] = (
    # (lead field, settings list, label zh, label en, points)
    ("industry", "target_industries", "行业", "Industry", 15),
    ("company_size", "target_sizes", "公司规模", "Company size", 10),
    ("purchase_timeframe", "target_timeframes", "采购时间", "Purchase timeframe", 15),
    ("budget_range", "target_budgets", "预算范围", "Budget range", 10),
    ("product_interest", "target_products", "意向产品", "Product interest", 10),
)
FIT_MAX = 60
# Engagement: points per done action by type, times the recency factor; capped at 40.
ACTION_POINTS = {"meeting": 10, "visit": 10, "call": 5, "email": 3, "sms": 2, "task": 1, "note": 0}
ENGAGEMENT_MAX = Decimal(40)
# (age in whole days up to and including, factor); older actions count nothing.
DECAY = ((7, Decimal(1)), (30, Decimal("0.5")), (90, Decimal("0.25")))
# The settings' target lists hold the keys of the fields' choices.
SETTING_FIELDS = {
    "target_industries": fields.INDUSTRY,
    "target_sizes": fields.COMPANY_SIZE,
    "target_timeframes": fields.TIMEFRAME,
    "target_budgets": fields.BUDGET,
    "target_products": fields.PRODUCT_INTEREST,
}


# ---- settings ----------------------------------------------------------------------------------


def get_settings(ctx: Ctx) -> Settings:
    """The company's settings (defaults until saved once)."""
    if _CACHE not in ctx.extra:
        row = ctx.session.get(PackSettings, SETTINGS_ID)
        ctx.extra[_CACHE] = msgspec.convert(row.data, Settings) if row else Settings()
    return ctx.extra[_CACHE]


def can_manage(ctx: Ctx) -> bool:
    """Whether the acting user may change the pack's settings: administrators of leads (the
    built-in administrator role) or roles granted the pack's own `admin` permission."""
    user = ctx.user
    return user is not None and (user.can(MODULE, "admin") or user.can("leads", "admin"))


def _require_manager(ctx: Ctx) -> None:
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    if not can_manage(ctx):
        raise Forbidden("only an administrator of the standard product pack may change this")


def _check(ctx: Ctx, settings: Settings) -> None:
    for name, field in SETTING_FIELDS.items():
        for value in getattr(settings, name):
            if value not in field.choice_keys:
                raise ValidationError(f"{value!r} is not a choice of {name}", name)
    users = {user_id for user_id, _ in active_users(ctx)}
    for user_id in settings.reps:
        if user_id not in users:
            raise ValidationError(f"user {user_id} is not an active user", "reps")
    for province, user_id in settings.territories.items():
        if province not in fields.PROVINCES:
            raise ValidationError(f"{province!r} is not a province", "territories")
        if user_id not in users:
            raise ValidationError(f"user {user_id} is not an active user", "territories")
    target = settings.revenue_target
    if not target.is_finite() or not Decimal("0.01") <= target <= Decimal("1e15"):
        raise ValidationError(
            "the revenue target must be an amount from 0.01 to 10^15", "revenue_target"
        )
    if settings.routing == "round_robin" and not settings.reps:
        raise ValidationError("round robin needs at least one rep", "reps")
    if settings.routing == "territory" and not (settings.territories or settings.reps):
        raise ValidationError("territory routing needs a province rule or a rep", "territories")


def save_settings(ctx: Ctx, settings: Settings) -> Settings:
    """Check and store the settings (administrators of the pack); bad input is a 422."""
    _require_manager(ctx)
    settings = msgspec.structs.replace(settings, nurture_tag=settings.nurture_tag.strip())
    if not settings.nurture_tag:
        raise ValidationError("the nurture tag needs a name", "nurture_tag")
    _check(ctx, settings)
    row = ctx.session.get(PackSettings, SETTINGS_ID)
    data = msgspec.to_builtins(settings)
    if row is None:
        ctx.session.add(PackSettings(id=SETTINGS_ID, data=data, next_rep=0, version=1))
    else:
        row.data, row.version = data, row.version + 1
    ctx.session.flush()
    ctx.extra[_CACHE] = settings
    return settings


# ---- the lead score ------------------------------------------------------------------------------


def _values(record: Any) -> dict[str, Any]:
    return dict((record.ext or {}).get(NAME, {}))


def fit(
    settings: Settings,
    values: dict[str, Any],
    dimensions: tuple[tuple[str, str, str, str, int], ...] = FIT_POINTS,
    prefix_zh: str = "匹配度",
    prefix_en: str = "Fit",
) -> list[ScorePart]:
    """One part per profile dimension: its points if the lead's value is in the target list.

    A dimension without a target list gives its points to any lead that filled it in. The
    explanation names the choices by their labels, in both languages.
    """
    parts = []
    for field, target_name, zh, en, points in dimensions:
        definition = SETTING_FIELDS[target_name]
        value = values.get(field)
        given = [v for v in (value if isinstance(value, list) else [value]) if v]
        target = getattr(settings, target_name)
        if not given:
            earned, why, why_en = 0, "未填写", "not filled in"
        elif not target:
            earned, why, why_en = points, "未设目标，已填写", "no target set; filled in"
        else:
            hits = [v for v in given if v in target]
            earned = points if hits else 0
            named = hits or given
            shown = "、".join(str(definition.choice_label(v, "zh_CN")) for v in named)
            shown_en = ", ".join(str(definition.choice_label(v, "en")) for v in named)
            why = f"{shown} {'符合' if hits else '不符合'}目标"
            why_en = f"{shown_en} {'matches' if hits else 'does not match'} the target"
        parts.append(
            ScorePart(
                label_zh=f"{prefix_zh} · {zh}",
                label_en=f"{prefix_en} · {en}",
                points=earned,
                explanation=why,
                explanation_en=why_en,
            )
        )
    return parts


def recency_factor(at: datetime, now: datetime) -> Decimal:
    """1 within 7 days, 0.5 within 30, 0.25 within 90, else 0 (whole days of age)."""
    age = (now - at).days
    for days, factor in DECAY:
        if age <= days:
            return factor
    return Decimal(0)


def engagement(actions: Iterable[Any], now: datetime, cap: Decimal = ENGAGEMENT_MAX) -> ScorePart:
    """Done actions weighted by type and recency, capped at `cap` (40 for leads), as one
    explained part."""
    total = Decimal(0)
    counted: dict[str, int] = {}
    for action in actions:
        points = ACTION_POINTS.get(action.type, 0) * recency_factor(action.at, now)
        if points:
            total += points
            counted[action.type] = counted.get(action.type, 0) + 1
    capped = min(total, cap)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(counted.items())) or "none"
    note = f"{summary}: {total.normalize():f}" + (
        f" (capped at {cap.normalize():f})" if total > capped else ""
    )
    named = translations("zh_CN").gettext  # the explanation is stored in both languages
    summary_zh = (
        "，".join(
            f"{named(ACTION_TYPE_LABELS.get(kind, kind))} {n} 次"
            for kind, n in sorted(counted.items())
        )
        or "无"
    )
    note_zh = f"{summary_zh}：{total.normalize():f}" + (
        f"（上限 {cap.normalize():f}）" if total > capped else ""
    )
    return ScorePart(
        label_zh="活跃度",
        label_en="Engagement",
        points=capped,
        explanation=note_zh,
        explanation_en=note,
    )


def lead_score(ctx: Ctx, lead: Any) -> Score:
    """The value model `standard_product.lead_score`: fit (0..60) + engagement (0..40)."""
    parts = fit(get_settings(ctx), _values(lead))
    parts.append(engagement(actions_of(ctx, "lead", lead.id), ctx.now()))
    return Score(
        total=sum((Decimal(part.points) for part in parts), Decimal(0)), parts=tuple(parts)
    )


# Customer value = potential (0..40) + revenue (0..30) + engagement (0..30).
CUSTOMER_FIT_POINTS: tuple[tuple[str, str, str, str, int], ...] = (
    ("industry", "target_industries", "行业", "Industry", 15),
    ("company_size", "target_sizes", "公司规模", "Company size", 15),
    ("product_interest", "target_products", "意向产品", "Product interest", 10),
)
REVENUE_MAX = Decimal(30)
REVENUE_DAYS = 365
CUSTOMER_ENGAGEMENT_MAX = Decimal(30)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def revenue_part(revenue: Decimal, target: Decimal) -> ScorePart:
    """Revenue points: the last 12 months' order total against the settings' revenue target,
    revenue / target x 30 (to the cent, half up), capped at 30."""
    points = min(revenue / target * REVENUE_MAX, REVENUE_MAX).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    capped = revenue >= target
    return ScorePart(
        label_zh="收入",
        label_en="Revenue",
        points=points,
        explanation=f"近12个月订单 {_money(revenue)} / 目标 {_money(target)}"
        + ("（已达上限）" if capped else ""),
        explanation_en=f"orders of the last 12 months {_money(revenue)} of the target "
        f"{_money(target)}" + (" (full points)" if capped else ""),
    )


def customer_value(ctx: Ctx, customer: Any) -> Score:
    """The value model `standard_product.customer_value`: potential (0..40, the customer's
    fit with the target profile) + revenue (0..30, its orders of the last 365 days against
    the revenue target) + engagement (0..30, as for leads, over the actions on the customer,
    its contacts and its leads)."""
    settings = get_settings(ctx)
    parts = fit(settings, _values(customer), CUSTOMER_FIT_POINTS, "潜力", "Potential")
    since = ctx.today() - timedelta(days=REVENUE_DAYS)
    parts.append(revenue_part(customer_revenue(ctx, customer.id, since), settings.revenue_target))
    parts.append(
        engagement(actions_of(ctx, "customer", customer.id), ctx.now(), CUSTOMER_ENGAGEMENT_MAX)
    )
    return Score(
        total=sum((Decimal(part.points) for part in parts), Decimal(0)), parts=tuple(parts)
    )


def rescore_customer(ctx: Ctx, customer_id: int) -> None:
    """Recompute a customer's value (an order of theirs was placed: its revenue part)."""
    score_record(ctx, "customer", customer_id)


def rescore_customer_of_order(ctx: Ctx, order_id: int) -> None:
    """An order was changed (cancelled, lines edited): its customer's revenue part changed.
    (A deleted order is picked up by the nightly recomputation.)"""
    order = record_of(ctx, "order", order_id)
    if order is not None:
        rescore_customer(ctx, order.customer_id)


# ---- after scoring: nurture or route ----------------------------------------------------------


def candidates(ctx: Ctx, settings: Settings, lead: Any) -> list[int]:
    """The reps a hot lead may go to, in order of preference: its province's rep
    (territory routing), then the reps in round-robin order from the next one in turn."""
    order: list[int] = []
    if settings.routing == "territory":
        rep = settings.territories.get(_values(lead).get("province") or "")
        order += [rep] if rep is not None else []
    if settings.routing in ("territory", "round_robin") and settings.reps:
        # The turn is locked until this transaction ends, so two leads routed at once get
        # consecutive reps (PostgreSQL: FOR UPDATE, read afresh; SQLite writers already
        # hold the database's write lock).
        row = ctx.session.get(
            PackSettings, SETTINGS_ID, with_for_update=True, populate_existing=True
        )
        start = row.next_rep % len(settings.reps) if row else 0
        order += settings.reps[start:] + settings.reps[:start]
    return order


def _advance(ctx: Ctx, settings: Settings, rep: int) -> None:
    row = ctx.session.get(PackSettings, SETTINGS_ID)
    if row is not None and rep in settings.reps:
        row.next_rep = (settings.reps.index(rep) + 1) % len(settings.reps)


def route(ctx: Ctx, settings: Settings, lead: Any) -> int | None:
    """Give an unowned hot lead to the first candidate who is still an active user."""
    for rep in candidates(ctx, settings, lead):
        territorial = rep == settings.territories.get(_values(lead).get("province") or "")
        rule = "territory" if settings.routing == "territory" and territorial else "round_robin"
        try:
            assign_by_rule(ctx, "lead", lead.id, rep, f"standard_product.{rule}")
        except ValidationError:  # the rep left after the settings were saved: try the next
            continue
        if rule == "round_robin":
            _advance(ctx, settings, rep)
        return rep
    return None


def after_score(ctx: Ctx, lead_id: int, score: Decimal) -> None:
    """Below the threshold: tag the lead for nurturing. At or above: untag it and, if no
    one owns it yet, give it to a rep by the routing rule."""
    settings = get_settings(ctx)
    lead = record_of(ctx, "lead", lead_id)
    if lead is None:
        return
    if score < settings.threshold:
        tag_by_rule(ctx, "lead", lead_id, add=[settings.nurture_tag])
        return
    tag_by_rule(ctx, "lead", lead_id, remove=[settings.nurture_tag])
    if lead.owner_id is None:
        route(ctx, settings, lead)
