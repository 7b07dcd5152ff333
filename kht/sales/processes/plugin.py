"""The sales processes module's hook implementations: the core process, seeding, routes."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import ProcessDef, admin_menu


@hookimpl
def kht_register_processes() -> list[ProcessDef]:
    from kht.sales.processes.service import CORE_PROCESS

    return [CORE_PROCESS]


@hookimpl
def kht_on_schema_ready(ctx: Any) -> None:
    """Seed the contributed processes that are not in the database yet."""
    from kht.sales.processes.service import seed_processes

    seed_processes(ctx)


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.processes.api import ROUTES as APPROVALS
    from kht.sales.processes.api import ROUTES as API
    from kht.sales.processes.views import ROUTES

    return [*API, *APPROVALS, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "opportunities",
        key="admin_processes",
        label_zh="销售流程",
        label_en="Sales processes",
        url="/admin/processes",
        icon="signpost-split",
        order=835,
    )
