"""Hook implementations of the Key account pack (大客户): only wiring, no business rules.

The pack uses only public hooks and services (tests/plugins/test_public_api.py checks):
key accounts, agreements, consumption and account plans as record kinds (lists, forms,
record pages, API, import, export from the declarations), the nightly contribution and
ABC (Pareto) run, the health value model, renewal and churn triggers for care rules,
reports, a panel on the customer 360 page, demo data.
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
    hookimpl,
)

NAME = "key_account"
HERE = Path(__file__).parent


@hookimpl
def kht_register_plugin() -> PluginInfo:
    return PluginInfo(
        name=NAME,
        label_zh="大客户",
        label_en="Key account",
        version="0.2.0",
        migrations=HERE / "migrations",
        templates=HERE / "templates",
        static=HERE / "static",
        locale=HERE / "locale",
        description_zh="按贡献识别大客户（帕累托 ABC）、协议与续签、消费、客户计划、"
        "健康度与流失预警",
        description_en="Key accounts by contribution (Pareto ABC), agreements and renewals, "
        "consumption, account plans, health and churn risk",
    )


@hookimpl
def kht_register_settings() -> list[Any]:
    from plugins.key_account.service import SETTINGS

    return [SETTINGS]


@hookimpl
def kht_register_models() -> list[type]:
    from plugins.key_account.models import MODELS

    return MODELS


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from plugins.key_account.plans import PLANS
    from plugins.key_account.service import ACCOUNTS, AGREEMENTS, CONSUMPTION

    return [ACCOUNTS, AGREEMENTS, CONSUMPTION, PLANS]


@hookimpl
def kht_register_permissions() -> list[Permission]:
    serve = ["view", "create", "edit", "import", "export"]
    return [
        Permission(
            module=NAME,
            label_zh="大客户",
            label_en="Key accounts",
            default_grants={
                "sales_manager": {"ops": [*serve, "delete", "assign"], "scope": "department_tree"},
                "sales_rep": {"ops": serve, "scope": "department"},
            },
        )
    ]


@hookimpl
def kht_register_value_models() -> list[ValueModel]:
    from plugins.key_account.health import HEALTH_MODEL, account_health
    from plugins.key_account.service import ACCOUNT_KIND

    return [
        ValueModel(
            key=HEALTH_MODEL,
            kind=ACCOUNT_KIND,
            label_zh="大客户健康度",
            label_en="Account health",
            compute=account_health,
            description_zh="贡献、增长、钱包份额、联系近度、未结工单、协议续签临近、联系人态度",
            description_en="Contribution, growth, share of wallet, recency, open tickets, "
            "renewal proximity, contacts' attitude",
        )
    ]


@hookimpl
def kht_register_automation() -> list[Any]:
    from plugins.key_account.care import TRIGGERS

    return TRIGGERS


@hookimpl
def kht_register_reports() -> list[Any]:
    from plugins.key_account.report_defs import REPORTS

    return REPORTS


def _nightly(runtime: Any) -> str:
    from plugins.key_account.health import run_nightly

    with runtime.ctx() as ctx:
        done = run_nightly(ctx)
    return ", ".join(f"{key}: {count}" for key, count in done.items())


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    """The nightly run (contributions, ABC classes, key accounts, health) at 01:45 company
    time, caught up for six hours after a stopped worker."""
    return [
        PeriodicTask(
            key="key_account.nightly", cron="45 1 * * *", run=_nightly, catch_up_minutes=360
        )
    ]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    """`kht key-account nightly` and `kht key-account backfill-health`."""
    from plugins.key_account.cli import key_account

    cli.add_command(key_account)


@hookimpl
def kht_record_panels(ctx: Ctx, kind: str, record: Any) -> list[Panel] | None:
    if kind != "customer":
        return None
    from plugins.key_account.pages import customer_panel

    return customer_panel(ctx, record)


@hookimpl
def kht_register_routes() -> list[Any]:
    from plugins.key_account.views import ROUTES

    return ROUTES


@hookimpl
def kht_menu_items(ctx: Ctx) -> list[MenuItem] | None:
    if ctx.user is None or not ctx.user.can(NAME, "view"):
        return None
    return [
        MenuItem(
            key="key_account_renewals",
            section="customers",
            label_zh="待续签协议",
            label_en="Renewals due",
            url="/key-accounts/renewals",
            icon="calendar-check",
            order=41,
        ),
    ]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Ctx) -> None:
    from plugins.key_account.demo import load_demo

    load_demo(ctx)
