"""The organisation module's hook implementations: its pages and API."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.org import api, company_api, views

    return [*views.ROUTES, *api.ROUTES, *company_api.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "users",
        key="admin_org",
        label_zh="组织架构",
        label_en="Organisation",
        url="/admin/org",
        icon="diagram-3",
        order=810,
    )
