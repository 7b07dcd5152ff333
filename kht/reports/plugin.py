"""The reports module's hook implementations: the catalogue's pages, API and menu entry."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.reports.api import ROUTES as API
    from kht.reports.builder_views import ROUTES as BUILDER
    from kht.reports.views import ROUTES

    return [*API, *BUILDER, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None:
        return []
    return [
        MenuItem(
            key="reports",
            section="analysis",
            label_zh="报表",
            label_en="Reports",
            url="/reports",
            icon="bar-chart",
            order=50,
        )
    ]
