"""The auth module's hook implementations: login, account and administration pages, the API."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.auth import api, views, views_account, views_admin

    return [*views.ROUTES, *views_account.ROUTES, *views_admin.ROUTES, *api.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    user = ctx.user
    if user is not None and user.can("users", "view"):
        return [
            MenuItem(
                key="admin",
                section="admin",
                label_zh="系统管理",
                label_en="Administration",
                url="/admin/users",
                icon="gear",
                order=800,
            )
        ]
    return []
