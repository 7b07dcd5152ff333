"""The orders module's hook implementations: routes, record kind, menu, panels."""

from __future__ import annotations

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, ReportDef
from kht.sales import hooks

kht_register_routes = hookimpl(hooks.routes("kht.sales.orders"))
kht_register_record_kinds = hookimpl(hooks.record_kind("kht.sales.orders"))
kht_validate = hookimpl(hooks.service_only("order"))
item = MenuItem(
    key="orders",
    section="sales",
    label_zh="订单",
    label_en="Orders",
    url="/orders",
    icon="receipt",
    order=43,
)
kht_menu_items = hookimpl(hooks.menu("orders", item))
# The orders of a customer (on its 360 page) or of an opportunity.
kht_record_panels = hookimpl(
    hooks.panel(
        "orders",
        ("customer", "opportunity"),
        "kht.sales.orders.views:panel_context",
        key="orders",
        title_zh="订单",
        title_en="Orders",
        template="orders/panel.html",
        order=41,
    )
)


@hookimpl
def kht_register_reports() -> list[ReportDef]:
    """Orders' and payments' reports (kht.sales.orders.reports)."""
    from kht.sales.orders.reports import REPORTS

    return REPORTS
