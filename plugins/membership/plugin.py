"""Hook implementations of the Membership pack (会员制): only wiring, no business rules.

The pack uses only public hooks and services (tests/plugins/test_public_api.py checks):
members and their transactions as record kinds (lists, forms, record pages, API, import,
export from the declarations), tiers, the points ledger, the member value model with RFM
segments, panels on the customer 360 page and the member page, orders of members as
purchases, demo data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kht.plugin_api import (
    Ctx,
    MenuItem,
    OrderPlaced,
    Panel,
    PeriodicTask,
    Permission,
    PluginInfo,
    RecordDeleted,
    RecordKind,
    RecordUpdated,
    ValueModel,
    demo_share,
    hookimpl,
)

NAME = "membership"
HERE = Path(__file__).parent


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="会员制",
        label_en="Membership",
        version="0.2.0",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
        description_zh="会员档案、等级规则、消费记录、积分账户、会员价值与 RFM 分群",
        description_en="Members, tiers with rules, purchases, a points ledger, value and RFM",
    )


@hookimpl
def kht_register_settings() -> list[Any]:
    from plugins.membership.service import SETTINGS

    return [SETTINGS]


@hookimpl
def kht_register_models() -> list[type]:
    from plugins.membership.models import MODELS

    return MODELS


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from plugins.membership.service import MEMBERS, TRANSACTIONS

    return [MEMBERS, TRANSACTIONS]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    serve = ["view", "create", "edit", "import", "export"]
    return [
        Permission(
            module=NAME,
            label_zh="会员",
            label_en="Members",
            default_grants={
                "sales_manager": {"ops": [*serve, "delete", "assign"], "scope": "department_tree"},
                "sales_rep": {"ops": serve, "scope": "department"},
                "marketing": {"ops": ["view", "export"], "scope": "all"},
            },
        ),
        Permission(
            module="membership_points",
            label_zh="积分调整",
            label_en="Points adjustment",
            # Adjusting a balance by hand is a manager's call (audited in the member's history).
            default_grants={"sales_manager": {"ops": ["view", "edit"], "scope": "department_tree"}},
        ),
    ]


@hookimpl
def kht_register_automation() -> list[Any]:
    from plugins.membership.care import ACTIONS, TRIGGERS

    return [*TRIGGERS, *ACTIONS]


@hookimpl
def kht_register_reports() -> list[Any]:
    from plugins.membership.report_defs import REPORTS

    return REPORTS


@hookimpl
def kht_on_schema_ready(ctx: Ctx) -> None:
    from plugins.membership.service import seed_tiers

    seed_tiers(ctx)


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    from plugins.membership.service import MEMBER_KIND
    from plugins.membership.value import VALUE_MODEL, member_value

    return [
        ValueModel(
            key=VALUE_MODEL,
            kind=MEMBER_KIND,
            label_zh="会员价值",
            label_en="Member value",
            compute=member_value,
            description_zh="R/F/M、品类广度、支付与信用、忠诚度、影响力，权重见会员设置",
            description_en="R/F/M, breadth, payment and credit, loyalty, influence (weighted)",
        )
    ]


@hookimpl
def kht_on_event(ctx: Ctx, event: Any) -> None:
    """A member's order is a purchase; a cancelled or deleted order is refunded."""
    from plugins.membership import orders

    if isinstance(event, OrderPlaced):
        orders.order_placed(ctx, event)
    elif isinstance(event, RecordUpdated) and event.kind == "order":
        status = event.changes.get("status")
        if status and status[1] == "cancelled":
            orders.order_withdrawn(ctx, event.record_id)
    elif isinstance(event, RecordDeleted) and event.kind == "order":
        orders.order_withdrawn(ctx, event.record_id)


@hookimpl
def kht_record_panels(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    from plugins.membership import pages
    from plugins.membership.service import MEMBER_KIND

    if kind == "customer":
        context = pages.panel_context(ctx, record)
        if context is None:
            return None
        return [
            Panel(
                key="membership_profile",
                title_zh="会员档案",
                title_en="Membership",
                template="membership/customer_panel.html",
                context=context,
                order=12,
            )
        ]
    if kind == MEMBER_KIND:
        return pages.member_panels(ctx, record)
    return None


def _nightly(runtime: Any) -> str:
    from plugins.membership.value import run_nightly

    with runtime.ctx() as ctx:
        done = run_nightly(ctx)
    return ", ".join(f"{key}: {count}" for key, count in done.items())


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    """The nightly run (statuses, points expiry, birthday bonuses, tier reviews, RFM) at 01:15
    company time, caught up for six hours after a stopped worker."""
    return [
        PeriodicTask(
            key="membership.nightly", cron="15 1 * * *", run=_nightly, catch_up_minutes=360
        )
    ]


@hookimpl
def kht_register_routes() -> list[Any]:
    from plugins.membership.views import ROUTES

    return ROUTES


@hookimpl
def kht_menu_items(ctx: Ctx) -> list[MenuItem] | None:
    if ctx.user is None or not ctx.user.can(NAME, "view"):
        return None
    return [
        MenuItem(
            key="membership_members",
            section="customers",
            label_zh="会员",
            label_en="Members",
            url="/members",
            icon="person-badge",
            order=30,
        ),
        MenuItem(
            key="membership_lookup",
            section="customers",
            label_zh="按卡号查找会员",
            label_en="Find a member by card",
            url="/membership/lookup",
            icon="upc-scan",
            order=31,
        ),
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from plugins.membership.cli import membership

    cli.add_command(membership)


@hookimpl(trylast=True)
def kht_demo_data(ctx: Ctx, size: int) -> None:
    from plugins.membership.demo import MEMBERS, load_demo

    load_demo(ctx, size=demo_share(size, MEMBERS))
