"""The pack's panels on record pages: an outlet on its customer's page (with the contact
history), a visit's photos, audit and competitors seen, a competitor's latest sightings at
outlets, a promotion's outlets, uplift and cost claims."""

from __future__ import annotations

from typing import Any

from kht.plugin_api import Ctx, NotFound, Panel
from plugins.promotion import audits, observations, promotions, service, visits
from plugins.promotion.models import Outlet


def _panel(key: str, zh: str, en: str, template: str, context: dict, order: int = 12) -> Panel:
    return Panel(
        key=key, title_zh=zh, title_en=en, template=template, context=context, order=order,
        phone_first=True,
    )  # fmt: skip


def _customer(ctx: Ctx, record: Any) -> list[Panel] | None:
    outlet_id = ctx.session.scalar(
        service.outlets_in_scope(ctx)
        .with_only_columns(Outlet.id)
        .where(Outlet.customer_id == record.id)
    )
    if outlet_id is None:
        return None
    context = {"outlet": service.get_outlet(ctx, outlet_id)}
    return [_panel("promotion_outlet", "网点", "Outlet", "promotion/panel_outlet.html", context)]


def _outlet(ctx: Ctx, record: Any) -> list[Panel]:
    context = {"contacts": service.contact_history(ctx, record.id)}
    return [
        _panel(
            "promotion_contacts", "联系人变更", "Contact history", "promotion/panel_contacts.html",
            context,
        )
    ]  # fmt: skip


def _visit(ctx: Ctx, record: Any) -> list[Panel]:
    context = {
        "photos": visits.photos_of(ctx, record.id),
        "values": audits.values_of(ctx, record.id),
        "metric_labels": {c.key: c for c in audits.METRIC_CHOICES},
        "visit": record,
        **_seen(ctx, observations.of_visit(ctx, record.id)),
    }
    return [_panel("promotion_visit", "拜访", "Visit", "promotion/panel_visit.html", context)]


def _promotion(ctx: Ctx, record: Any) -> list[Panel]:
    context = {
        "uplift": promotions.uplift(ctx, record.id),
        "sources": {c.key: c for c in promotions.SELL_THROUGH},
        "claims": promotions.claims_of(ctx, record.id),
        "promotion": record,
        "manager": ctx.user is not None and ctx.user.can(service.MANAGE, "edit"),
    }
    template = "promotion/panel_promotion.html"
    return [_panel("promotion_uplift", "增量与费用", "Uplift and cost", template, context)]


def _seen(ctx: Ctx, rows: list[Any]) -> dict[str, Any]:
    return {
        "observations": rows,
        "names": observations.competitor_names(ctx),
        "outlets": service.outlet_names(ctx, {row.outlet_id for row in rows}),
        "activity_labels": {c.key: c for c in observations.ACTIVITY_CHOICES},
    }


def _competitor(ctx: Ctx, record: Any) -> list[Panel] | None:
    if ctx.user is None or not ctx.user.can(service.MODULE, "view"):
        return None
    context = _seen(ctx, observations.of_competitor(ctx, record.id))
    template = "promotion/panel_observations.html"
    return [_panel("promotion_observations", "终端观察", "Seen at outlets", template, context)]


def panels(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    """The pack's panels for a record of `kind` (None: none for this kind)."""
    builders = {
        "customer": _customer,
        "competitor": _competitor,
        service.OUTLET_KIND: _outlet,
        visits.VISIT_KIND: _visit,
        promotions.PROMOTION_KIND: _promotion,
    }
    builder = builders.get(kind)
    if builder is None or record is None:
        return None
    try:
        return builder(ctx, record)
    except NotFound:
        return None
