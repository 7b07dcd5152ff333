"""The opportunities module's hook implementations: routes, record kind, menu, panels,
the stage-field guard, hand-over follow-up and opportunities from converted leads."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, Problem, RecordAction
from kht.sales import hooks

kht_register_routes = hookimpl(hooks.routes("kht.sales.opportunities"))
kht_register_record_kinds = hookimpl(hooks.record_kind("kht.sales.opportunities"))
kht_menu_items = hookimpl(
    hooks.menu(
        "opportunities",
        MenuItem(
            key="opportunities",
            section="sales",
            label_zh="销售机会",
            label_en="Opportunities",
            url="/opportunities",
            icon="graph-up-arrow",
            order=40,
        ),
        MenuItem(
            key="board",
            section="sales",
            label_zh="销售看板",
            label_en="Pipeline board",
            url="/opportunities/board",
            icon="kanban",
            order=41,
        ),
    )
)


@hookimpl
def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> list[Problem] | None:
    """Stage, status and probability change only through a stage move (gates, history)."""
    from kht.sales.opportunities.service import MOVING, STAGE_FIELDS

    if kind != "opportunity" or record is None:
        return None
    touched = sorted(STAGE_FIELDS & set(changes))
    if touched and ctx.extra.get(MOVING) != record.id:
        return [
            Problem(
                field=touched[0],
                message="move the opportunity through its stages (the board or the stage button)",
            )
        ]
    return None


@hookimpl
def kht_on_event(ctx: Any, event: Any) -> None:
    """Follow owner changes with the department; open an opportunity for a converted lead."""
    from kht.events import LeadConverted, RecordUpdated

    if isinstance(event, RecordUpdated) and event.kind == "opportunity":
        if "owner_id" in event.changes:
            from kht.sales.opportunities.service import follow_owner_department

            follow_owner_department(ctx, event.record_id)
    elif isinstance(event, LeadConverted) and ctx.extra.get("create_opportunity"):
        from kht.sales.opportunities.service import open_for_converted_lead

        open_for_converted_lead(ctx, event)


# The customer's opportunities on its 360 page.
kht_record_panels = hookimpl(
    hooks.panel(
        "opportunities",
        ("customer",),
        "kht.sales.opportunities.views:customer_panel_context",
        key="opportunities",
        title_zh="销售机会",
        title_en="Opportunities",
        template="opportunities/panel.html",
        order=15,
    )
)


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """ "New opportunity" on a customer's page."""
    if kind != "customer" or ctx.user is None or not ctx.user.can("opportunities", "create"):
        return None
    return [
        RecordAction(
            key="new-opportunity",
            label_zh="新建销售机会",
            label_en="New opportunity",
            url=f"/opportunities/new?customer_id={record.id}",
        )
    ]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """Opportunities across the stages for the demo customers (skipped when some exist)."""
    from kht.sales.opportunities.demo import load

    load(ctx)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.sales.opportunities.reports)."""
    from kht.sales.opportunities.reports import REPORTS

    return REPORTS
