"""The auth module's hook implementations: login, account and administration pages, the API."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem, admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.auth import api, views, views_account, views_admin

    return [*views.ROUTES, *views_account.ROUTES, *views_admin.ROUTES, *api.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    users = admin_menu(
        ctx,
        "users",
        "view",
        key="admin",
        label_zh="用户",
        label_en="Users",
        url="/admin/users",
        icon="people",
        order=800,
    )
    roles = admin_menu(
        ctx,
        "users",
        "view",
        key="admin_roles",
        label_zh="角色与权限",
        label_en="Roles and permissions",
        url="/admin/roles",
        icon="shield-lock",
        order=805,
    )
    return [*users, *roles]
