"""The sales quotas module's hook implementations: routes, menu, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sales.quotas.api import ROUTES as API
    from kht.sales.quotas.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    user = ctx.user
    if user is None or not (user.can("quotas", "view") or user.can("opportunities", "view")):
        return []
    return [
        MenuItem(
            key="quotas",
            section="analysis",
            label_zh="销售定额",
            label_en="Quotas",
            url="/quotas",
            icon="bullseye",
            order=58,
        )
    ]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """Quotas for this year's quarters: each demo rep, their groups and the sales department."""
    from kht.sales.quotas.demo import load

    load(ctx)
