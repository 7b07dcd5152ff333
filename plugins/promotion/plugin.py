"""Hook implementations of the Promotion pack (推广管理): only wiring, no business rules.

The pack uses only public hooks and services (tests/plugins/test_public_api.py checks):
outlets (customers with the pack's attributes), the territory tree, visit plans, visits
with geofenced check-in and photos, store audits as structured values, competitor
observations (on the core's competitor records), in-store promotions with cost claims and
uplift, rep discipline, the outlet value model, reports and demo data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kht.plugin_api import (
    Ctx,
    MenuItem,
    Panel,
    PeriodicTask,
    Permission,
    PluginInfo,
    RecordKind,
    ValueModel,
    demo_share,
    hookimpl,
)

NAME = "promotion"
HERE = Path(__file__).parent


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="推广管理",
        label_en="Promotion",
        version="0.2.0",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
        static=HERE / "static",
        locale=HERE / "locale",
        description_zh="网点与片区、拜访计划、定位签到与照片、门店检查、店内促销与增量、业代执行",
        description_en="Outlets and territories, visit plans, geofenced check-in with photos, "
        "store audits, competitor observations, in-store promotions with uplift, rep discipline",
    )


@hookimpl
def kht_register_settings() -> list[Any]:
    from plugins.promotion.service import SETTINGS

    return [SETTINGS]


@hookimpl
def kht_register_models() -> list[type]:
    from plugins.promotion.models import MODELS

    return MODELS


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from plugins.promotion.audits import AUDIT_VALUES
    from plugins.promotion.observations import OBSERVATIONS
    from plugins.promotion.promotions import CLAIMS, PROMOTIONS
    from plugins.promotion.service import OUTLETS
    from plugins.promotion.visits import PLANS, VISITS

    return [OUTLETS, PLANS, VISITS, AUDIT_VALUES, OBSERVATIONS, PROMOTIONS, CLAIMS]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    field = ["view", "create", "edit", "export"]
    return [
        Permission(
            module=NAME,
            label_zh="推广（网点、拜访、检查、促销）",
            label_en="Promotion (outlets, visits, audits, promotions)",
            default_grants={
                "sales_manager": {
                    "ops": [*field, "delete", "assign", "import"],
                    "scope": "department_tree",
                },
                # A rep works their own outlets, plans and visits.
                "sales_rep": {"ops": field, "scope": "own"},
                "marketing": {"ops": ["view", "export"], "scope": "all"},
            },
        ),
        Permission(
            module="promotion_manage",
            label_zh="推广管理（审批、片区）",
            label_en="Promotion management (approvals, territories)",
            default_grants={"sales_manager": {"ops": ["view", "edit"], "scope": "department_tree"}},
        ),
    ]


@hookimpl
def kht_register_reports() -> list[Any]:
    from plugins.promotion.report_defs import REPORTS

    return REPORTS


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    from plugins.promotion.service import OUTLET_KIND
    from plugins.promotion.value import VALUE_MODEL, outlet_value

    return [
        ValueModel(
            key=VALUE_MODEL,
            kind=OUTLET_KIND,
            label_zh="网点潜力",
            label_en="Outlet potential",
            compute=outlet_value,
            description_zh="等级、品类规模、位置（片区销量）与动销趋势",
            description_en="Grade, category size, location (territory sales), sell-through trend",
        )
    ]


@hookimpl
def kht_record_panels(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    from plugins.promotion import pages

    return pages.panels(ctx, kind, record)


def _nightly(runtime: Any) -> str:
    from plugins.promotion.visits import miss_overdue

    with runtime.ctx() as ctx:
        missed = miss_overdue(ctx, ctx.today())
    return f"missed: {missed}"


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    """Yesterday's planned stops that were never checked in become missed, at 00:30."""
    return [
        PeriodicTask(key="promotion.nightly", cron="30 0 * * *", run=_nightly, catch_up_minutes=360)
    ]


@hookimpl
def kht_register_routes() -> list[Any]:
    from plugins.promotion.views import ROUTES

    return ROUTES


@hookimpl
def kht_menu_items(ctx: Ctx) -> list[MenuItem] | None:
    if ctx.user is None or not ctx.user.can(NAME, "view"):
        return None
    items = [
        ("promotion_today", "今日拜访", "Today's visits", "/promotion/today", "geo-alt", 40),
        ("promotion_outlets", "网点", "Outlets", "/outlets", "shop", 41),
        ("promotion_plans", "拜访计划", "Visit plans", "/promotion/plans", "calendar-week", 42),
        ("promotion_territories", "片区", "Territories", "/promotion/territories", "diagram-3", 43),
        ("promotion_promotions", "店内促销", "In-store promotions", "/promotions", "megaphone", 44),
        (
            "promotion_observations",
            "竞品观察",
            "Competitor observations",
            "/competitor-observations",
            "binoculars",
            46,
        ),
        (
            "promotion_discipline",
            "执行考核",
            "Rep discipline",
            "/promotion/discipline",
            "check2-all",
            47,
        ),
    ]
    return [
        MenuItem(key=key, section="sales", label_zh=zh, label_en=en, url=url, icon=icon, order=o)
        for key, zh, en, url, icon, o in items
    ]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Ctx, size: int) -> None:
    from plugins.promotion.demo import OUTLETS, load_demo

    load_demo(ctx, size=demo_share(size, OUTLETS))
