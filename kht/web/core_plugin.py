"""The web shell's own hook implementations: core pages and core menu entries."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.web.views import ROUTES

    return list(ROUTES)


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    return [
        MenuItem(key="home", label_zh="首页", label_en="Home", url="/", icon="house", order=0),
        MenuItem(
            key="api",
            label_zh="接口文档",
            label_en="API docs",
            url="/api/schema",
            icon="braces",
            order=900,
        ),
    ]
