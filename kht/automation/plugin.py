"""The automation module's hook implementations: the core's triggers and actions, the
event listener that queues runs, routes and the admin menu entry."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import PeriodicTask, admin_menu


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
    from kht.automation import care_views
    from kht.automation.api import AutomationController
    from kht.automation.views import ROUTES

    return [AutomationController, *ROUTES, *care_views.ROUTES]


def _automation(runtime: Any) -> None:
    from kht.automation.engine import tick

    tick(runtime)


@hookimpl
def kht_register_periodic_tasks() -> list[PeriodicTask]:
    return [
        PeriodicTask(
            key="kht.automation",
            cron="* * * * *",
            run=_automation,
            description="queue the time rules' runs and carry out every due run",
        )
    ]


@hookimpl
def kht_register_reports() -> list[Any]:
    """The care-effectiveness report, in the library with a page of its own (its rows are
    strategies, not records of a kind)."""
    from kht.plugin_types import ReportDef

    return [
        ReportDef(
            key="care.effectiveness",
            category="customers",
            title_zh="客户关怀效果",
            title_en="Care effectiveness",
            description_zh="每个关怀策略关怀了多少客户、送达多少，以及之后的跟进与下单，对比未被关怀的客户",
            description_en="Per care strategy: customers cared for, delivered, then followed up "
            "and ordered, beside the customers nobody cared for",
            url="/care/effectiveness",
            module="customers",
        )
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    from kht.plugin_types import MenuItem

    items = admin_menu(
        ctx,
        "users",
        key="admin_automation",
        label_zh="自动化规则",
        label_en="Automation",
        url="/admin/automation",
        icon="lightning",
        order=840,
    )
    user = getattr(ctx, "user", None)
    if user is not None and user.can("customers", "assign"):
        items.append(
            MenuItem(
                key="care",
                section="customers",
                label_zh="客户关怀",
                label_en="Customer care",
                url="/care",
                icon="heart",
                order=60,
            )
        )
    return items


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Any] | None:
    """The care history of a customer or contact, on its page (its care runs)."""
    if kind not in ("customer", "contact"):
        return None
    from kht.automation.care import care_history
    from kht.automation.views import STATUS_LABELS
    from kht.plugin_types import Panel

    return [
        Panel(
            key="care",
            title_zh="客户关怀",
            title_en="Customer care",
            template="automation/care_panel.html",
            order=40,
            context={"runs": care_history(ctx, kind, record.id), "status_labels": STATUS_LABELS},
        )
    ]
