"""The sales analysis module's hook implementations: forecast and funnel routes and menu."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sales.analysis.api import ROUTES as API
    from kht.sales.analysis.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    user = ctx.user
    if user is None or not user.can("opportunities", "view"):
        return []
    return [
        MenuItem(
            key="forecast",
            section="analysis",
            label_zh="销售预测",
            label_en="Forecast",
            url="/forecast",
            icon="graph-up-arrow",
            order=56,
        ),
        MenuItem(
            key="funnel",
            section="analysis",
            label_zh="销售漏斗",
            label_en="Funnel",
            url="/funnel",
            icon="filter",
            order=57,
        ),
    ]
