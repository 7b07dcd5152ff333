"""The administration home's hook implementations: its pages and its menu entries."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.admin.views import ROUTES

    return list(ROUTES)


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    if ctx.user is None or not ctx.user.can("users", "admin"):
        return []
    return [
        MenuItem(
            key="admin_home",
            section="admin",
            label_zh="管理首页",
            label_en="Administration home",
            url="/admin",
            icon="speedometer2",
            order=700,
        ),
        MenuItem(
            key="admin_plugins",
            section="admin",
            label_zh="插件",
            label_en="Plugins",
            url="/admin/plugins",
            icon="plug",
            order=850,
        ),
    ]
