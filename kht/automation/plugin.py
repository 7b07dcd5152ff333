"""The automation module's hook implementations: the core's triggers and actions, the
event listener that queues runs, routes and the admin menu entry."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import admin_menu


@hookimpl
def kht_register_automation() -> list[Any]:
    from kht.automation.builtin import ACTIONS, TRIGGERS

    return [*TRIGGERS, *ACTIONS]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Queue the runs of matching event rules in the change's own transaction."""
    from kht.automation.engine import on_event

    on_event(ctx, event)


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.automation.api import AutomationController
    from kht.automation.views import ROUTES

    return [AutomationController, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "users",
        key="admin_automation",
        label_zh="自动化规则",
        label_en="Automation",
        url="/admin/automation",
        icon="lightning",
        order=840,
    )
