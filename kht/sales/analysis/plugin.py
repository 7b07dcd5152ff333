"""The sales analysis module's hook implementations: forecast and funnel routes and menu."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, ReportDef, report_page


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.sales.analysis.api import ROUTES as API
    from kht.sales.analysis.views import ROUTES

    return [*API, *ROUTES]


MENU = (
    ("forecast", "销售预测", "Forecast", "/forecast", "graph-up-arrow", 56),
    ("funnel", "销售漏斗", "Funnel", "/funnel", "filter", 57),
)


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    user = ctx.user
    if user is None or not user.can("opportunities", "view"):
        return []
    return [
        MenuItem(key=key, section="analysis", label_zh=zh, label_en=en, url=url, icon=icon, order=n)
        for key, zh, en, url, icon, n in MENU
    ]


# The analyses a plain group-by cannot show keep their pages; the catalogue lists them.
SPECIAL = [
    report_page(
        "analysis.funnel",
        "opportunities",
        "opportunities",
        "/funnel",
        "销售漏斗",
        "Sales funnel",
        "各阶段进入数、转化率与停留天数",
        "Per stage: entered, converted to the next, days in it",
        chart="funnel",
    ),
    report_page(
        "analysis.forecast",
        "forecast",
        "opportunities",
        "/forecast",
        "销售预测与目标",
        "Forecast against quota",
        "各部门（及销售）的加权管道、承诺、最佳情况、赢单与目标",
        "Weighted pipeline, commit, best case and won against quota per department and rep",
    ),
    report_page(
        "analysis.payment_forecast",
        "payments",
        "orders",
        "/forecast",
        "回款预测",
        "Payment forecast",
        "按回款计划每月应收与已收",
        "Receivables planned per month from payment plans, and what came in",
    ),
]


@hookimpl
def kht_register_reports() -> list[ReportDef]:
    """The funnel, forecast and payment forecast pages, listed in the report catalogue."""
    return SPECIAL
