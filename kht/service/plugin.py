"""The service module's hook implementations: the ticket kind and its routes, mail intake,
the SLA escalation triggers and actions, reports and demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import RecordKind, admin_menu
from kht.sales.hooks import panel


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.service import api, views, views_admin, views_days, views_public

    return [
        *api.ROUTES,
        *views.ROUTES,
        *views_admin.ROUTES,
        *views_days.ROUTES,
        *views_public.ROUTES,
    ]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    setup = admin_menu(
        ctx,
        "tickets",
        key="admin_service",
        label_zh="服务设置",
        label_en="Service setup",
        url="/admin/service",
        icon="life-preserver",
        order=846,
    )
    company_days = admin_menu(
        ctx,
        "tickets",
        key="admin_service_days",
        label_zh="公司工作日",
        label_en="Company days",
        url="/admin/service/days",
        icon="calendar-week",
        order=847,
    )
    return [*setup, *company_days]


# The customer's tickets on its 360 page, for those who may view tickets.
kht_record_panels = hookimpl(
    panel(
        "tickets",
        ("customer",),
        "kht.service.views:customer_panel_context",
        key="tickets",
        title_zh="服务工单",
        title_en="Tickets",
        template="service/panel.html",
        order=20,
    )
)


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.service.views import SPEC  # the declaration, with its pages

    return [SPEC]


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """A mail arriving in the service mailbox opens a ticket or threads onto one."""
    from kht.events import MailReceived
    from kht.service.intake import on_mail

    if isinstance(event, MailReceived):
        on_mail(ctx, event)


@hookimpl
def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> Any:
    """A ticket's flow, clocks and survey change only through its own steps."""
    from kht.service.tickets import guard

    return guard(ctx, kind, record, changes)


@hookimpl
def kht_register_automation() -> list[Any]:
    from kht.service.escalation import ACTIONS, TRIGGERS

    return [*TRIGGERS, *ACTIONS]


@hookimpl
def kht_register_settings() -> list[Any]:
    from kht.service.settings import SETTINGS

    return [SETTINGS]


@hookimpl
def kht_register_reports() -> list[Any]:
    from kht.service.reports import REPORTS

    return REPORTS


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    from kht.service.demo import demo

    demo(ctx)
