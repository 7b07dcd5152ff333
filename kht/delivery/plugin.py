"""The delivery module's hook implementations: its API, the mail forms, the role
subscriptions page and the worker's periodic delivery."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, PeriodicTask, admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.delivery.api import ROUTES as API
    from kht.delivery.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    """The role subscriptions page, for users who may mail others (create reports)."""
    return admin_menu(
        ctx,
        "reports",
        "create",
        key="admin_subscriptions",
        label_zh="定时推送",
        label_en="Scheduled mail",
        url="/admin/subscriptions",
        icon="envelope-paper",
        order=870,
    )


def _deliver(runtime: Any) -> str:
    from kht.delivery.run import run_due

    return f"mails queued: {run_due(runtime)}"


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    # Every five minutes: a recipient's period starts at 07:00 on their own clock, which is
    # any minute of the company's day for a team spread over time zones.
    return [
        PeriodicTask(
            key="kht.deliver_reports",
            cron="*/5 * * * *",
            run=_deliver,
            description="mail the scheduled reports and dashboards that are due",
        )
    ]
