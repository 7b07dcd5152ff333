"""kht's standard dashboard per built-in role: what a user sees until an administrator sets
the role's default or the user arranges their own (`kht demo` ships these as the roles'
defaults). Widgets name library reports by key, so they work in every installation."""

from __future__ import annotations

from typing import Any


def _report(key: str, w: int = 6, view: str = "chart", h: int = 1) -> dict[str, Any]:
    return {"type": "report", "key": key, "w": w, "h": h, "view": view}


def _kpi(key: str, period: str = "month", w: int = 3) -> dict[str, Any]:
    return {"type": "kpi", "key": key, "w": w, "period": period}


def _list(key: str, w: int = 6) -> dict[str, Any]:
    return {"type": "list", "key": key, "w": w}


STANDARD: dict[str, list[dict[str, Any]]] = {
    "sales_rep": [
        _kpi("orders.revenue_month", w=4),
        _kpi("opportunities.won_per_month", w=4),
        _kpi("actions.done_per_month", period="week", w=4),
        _list("overdue_actions"),
        _list("biggest_deals"),
        _report("opportunities.pipeline_by_stage"),
        _report("actions.by_type"),
    ],
    "sales_manager": [
        _kpi("orders.revenue_month"),
        _kpi("opportunities.won_per_month"),
        _kpi("customers.growth_month"),
        _kpi("leads.per_month"),
        _report("opportunities.pipeline_by_owner"),
        _report("orders.revenue_by_owner"),
        _list("quotes_waiting"),
        _list("overdue_actions"),
        _report("actions.type_by_owner", w=12, view="table"),
    ],
    "executive": [
        _kpi("orders.revenue_month", period="quarter", w=4),
        _kpi("customers.growth_month", period="quarter", w=4),
        _kpi("opportunities.won_per_month", period="quarter", w=4),
        _report("orders.revenue_month", w=8),
        _report("customers.by_stage", w=4),
        _report("opportunities.pipeline_by_department"),
        _report("payments.collection_by_department", view="table"),
    ],
    "marketing": [
        _kpi("leads.per_month", w=4),
        _kpi("customers.growth_month", w=4),
        _kpi("leads.converted_per_month", w=4),
        _report("leads.by_source"),
        _report("leads.source_quality"),
        _report("leads.conversion_by_month", w=12),
    ],
    "service": [
        _list("overdue_actions"),
        _kpi("customers.growth_month", w=6),
        _report("customers.by_category"),
        _report("contacts.by_role"),
    ],
}
# Administrators and roles without a dashboard of their own see the executive's overview
# (each widget still shows only what the viewer may see).
FALLBACK = "executive"


def standard(role_key: str | None) -> list[dict[str, Any]]:
    """The standard widgets of `role_key` (the fallback's for any other role)."""
    return STANDARD.get(role_key or "", STANDARD[FALLBACK])
