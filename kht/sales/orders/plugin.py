"""The orders module's hook implementations: routes, record kind, menu, panels."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, Panel, Problem, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sales.orders import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.sales.orders.views import SPEC  # the service's, with its list page

    return [SPEC]


@hookimpl
def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> list[Problem] | None:
    """Order fields change only through the orders service (totals, status, number...)."""
    if kind != "order":
        return None
    from kht.sales.quotes.lines import guard_problems

    return guard_problems(ctx, kind, record, changes)


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("orders", "view"):
        return []
    return [
        MenuItem(
            key="orders",
            section="sales",
            label_zh="订单",
            label_en="Orders",
            url="/orders",
            icon="receipt",
            order=43,
        )
    ]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The orders of a customer (on its 360 page) or of an opportunity."""
    if kind not in ("customer", "opportunity") or ctx.user is None:
        return None
    if not ctx.user.can("orders", "view"):
        return None
    from kht.sales.orders.views import panel_context

    return [
        Panel(
            key="orders",
            title_zh="订单",
            title_en="Orders",
            template="orders/panel.html",
            order=41,
            context=panel_context(ctx, kind, record),
        )
    ]


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.sales.orders.reports)."""
    from kht.sales.orders.reports import REPORTS

    return REPORTS
