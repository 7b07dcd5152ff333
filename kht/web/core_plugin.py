"""The web shell's own hook implementations: core pages and core menu entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kht import clock
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
            section="admin",
            label_zh="接口文档",
            label_en="API docs",
            url="/api/schema",
            icon="braces",
            order=900,
        ),
    ]


def local_time(value: Any, user: Any = None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the user's time zone (Asia/Shanghai when unknown); a plain
    date is already the user's and is shown as it is."""
    from jinja2 import Undefined

    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.strftime(pattern.split(" ")[0])
    if isinstance(user, Undefined):  # a page rendered without a user in its context
        user = None
    return clock.local(value, clock.zone_of(user)).strftime(pattern)


@hookimpl
def kht_prepare_jinja_env(env: Any) -> None:
    env.filters["local"] = local_time
