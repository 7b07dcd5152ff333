"""The lifecycle module's hook implementations: routes, the customer panel, demo moves."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel, admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.lifecycle import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The current stage, a form to move it on, and the stages gone through with their time."""
    if kind != "customer":
        return None
    from kht.lifecycle.views import panel_context

    return [
        Panel(
            key="lifecycle",
            title_zh="生命周期",
            title_en="Lifecycle",
            template="lifecycle/panel.html",
            order=10,
            context=panel_context(ctx, record),
        )
    ]


# (customer name, moves): demo customers walked through their stages.
DEMO_MOVES = (
    (
        "清华同方威视技术股份有限公司",
        (("prospect", "首次拜访后有明确需求"), ("signed", "签订年度框架合同")),
    ),
    ("上海华东电器集团有限公司", (("prospect", "参加产品推介会"),)),
)


@hookimpl
def kht_demo_data(ctx: Any) -> None:
    """Move two demo customers through their first stages (once: skipped when moved before)."""
    from sqlalchemy import select

    from kht.customers.models import Customer
    from kht.lifecycle.models import StageChange
    from kht.lifecycle.service import change_stage

    for name, moves in DEMO_MOVES:
        customer = ctx.session.scalar(select(Customer).where(Customer.name == name))
        if customer is None:
            continue
        moved = select(StageChange.id).where(
            StageChange.kind == "customer", StageChange.record_id == customer.id
        )
        if ctx.session.scalar(moved) is not None:
            continue
        for stage, cause in moves:
            change_stage(ctx, "customer", customer.id, stage, cause)


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "customers",
        key="admin_lifecycle",
        label_zh="生命周期阶段",
        label_en="Lifecycle stages",
        url="/admin/lifecycle",
        icon="arrow-repeat",
        order=830,
    )
