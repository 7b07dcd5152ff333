"""Hook implementations of the Standard product pack (标准产品): only wiring, no business rules.

The pack uses nothing but public hooks and services (see tests/plugins/standard_product/
test_imports.py): fields on leads and customers, the standard sales process, a quote
template, the fit + engagement lead score with nurturing and routing, the customer value
(potential + revenue + engagement), a settings page, reports with charts, rep performance.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from kht.plugin_api import (
    Ctx,
    FieldDef,
    MenuItem,
    OrderPlaced,
    Permission,
    PluginInfo,
    ProcessDef,
    QuoteTemplateDef,
    RecordRestored,
    RecordUpdated,
    ReportDef,
    ScoreComputed,
    ValueModel,
    hookimpl,
)

NAME = "standard_product"
HERE = Path(__file__).parent


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="标准产品",
        label_en="Standard product",
        version="0.2.0",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
        static=HERE / "static",
        description_zh="线索评分与培育、标准销售流程、报价模板（含服务承诺）",
        description_en="Lead scoring and nurturing, the standard sales process, a quote template",
    )


@hookimpl
def kht_register_models() -> list[type]:
    from plugins.standard_product.models import PackSettings

    return [PackSettings]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    return [
        Permission(
            module=NAME,
            label_zh="标准产品设置",
            label_en="Standard product setup",
            # No default_grants: the administrator role gets every operation on enabling,
            # and administrators decide who else sets up lead scoring.
        )
    ]


@hookimpl
def kht_register_fields(kind: str) -> list[FieldDef] | None:
    from plugins.standard_product.fields import fields_for

    return fields_for(kind)


@hookimpl
def kht_register_processes() -> list[ProcessDef]:
    from plugins.standard_product.defs import STANDARD_SALE

    return [STANDARD_SALE]


@hookimpl
def kht_register_quote_templates() -> list[QuoteTemplateDef]:
    from plugins.standard_product.defs import SERVICE_PROMISE

    return [SERVICE_PROMISE]


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    from plugins.standard_product.service import (
        CUSTOMER_VALUE,
        LEAD_SCORE,
        customer_value,
        lead_score,
    )

    return [
        ValueModel(
            key=LEAD_SCORE,
            kind="lead",
            label_zh="线索评分",
            label_en="Lead score",
            compute=lead_score,
            description_zh="匹配度（0-60）+ 活跃度（0-40）",
            description_en="Fit (0-60) + engagement (0-40)",
        ),
        ValueModel(
            key=CUSTOMER_VALUE,
            kind="customer",
            label_zh="客户价值",
            label_en="Customer value",
            compute=customer_value,
            description_zh="潜力（0-40）+ 收入（0-30）+ 活跃度（0-30）",
            description_en="Potential (0-40) + revenue (0-30) + engagement (0-30)",
        ),
    ]


@hookimpl
def kht_on_event(ctx: Ctx, event: Any) -> None:
    """After the lead score is computed: nurture a cold lead, route a hot one. After an
    order is placed or changed: recompute its customer's value (its revenue part)."""
    from plugins.standard_product.service import (
        LEAD_SCORE,
        after_score,
        rescore_customer,
        rescore_customer_of_order,
    )

    if isinstance(event, ScoreComputed) and event.model_key == LEAD_SCORE:
        after_score(ctx, event.record_id, Decimal(event.score))
    elif isinstance(event, OrderPlaced):  # the event names the customer: no re-read
        rescore_customer(ctx, event.customer_id)
    elif isinstance(event, RecordUpdated | RecordRestored) and event.kind == "order":
        rescore_customer_of_order(ctx, event.record_id)


@hookimpl
def kht_register_routes() -> list[Any]:
    from plugins.standard_product.views import ROUTES

    return ROUTES


@hookimpl
def kht_menu_items(ctx: Ctx) -> list[MenuItem] | None:
    from plugins.standard_product.service import can_manage

    items = []
    if ctx.user is not None and ctx.user.can("leads", "view"):
        items.append(
            MenuItem(
                key="standard_product_reports",
                section="analysis",
                label_zh="标准产品报表",
                label_en="Standard product reports",
                url="/standard_product/reports",
                icon="bar-chart",
                order=84,
            )
        )
    if ctx.user is not None and ctx.user.can("opportunities", "view"):
        items.append(
            MenuItem(
                key="standard_product_performance",
                section="analysis",
                label_zh="销售业绩",
                label_en="Rep performance",
                url="/standard_product/performance",
                icon="trophy",
                order=84,
            )
        )
    if can_manage(ctx):
        items.append(
            MenuItem(
                key="standard_product_settings",
                section="admin",
                label_zh="线索评分设置",
                label_en="Lead scoring setup",
                url="/standard_product/settings",
                icon="bullseye",
                order=85,
            )
        )
    return items or None


@hookimpl
def kht_demo_data(ctx: Ctx) -> None:
    from plugins.standard_product.demo import load_demo

    load_demo(ctx)


@hookimpl
def kht_register_reports() -> list[ReportDef]:
    """The pack's report pages and its reports on its own fields (industry, size, province)."""
    from plugins.standard_product.report_defs import REPORTS

    return REPORTS
