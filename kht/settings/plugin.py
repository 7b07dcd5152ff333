"""The settings store's hook implementations: its API and pages, and an admin entry for
every declared owner the user may change (so each is linked from /admin)."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import MenuItem


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.settings import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[MenuItem]:
    from kht.settings.service import manageable
    from kht.settings.views import page_url

    if getattr(ctx, "user", None) is None:
        return []
    return [
        MenuItem(
            key=f"settings_{spec.owner}",
            section="admin",
            label_zh=spec.label_zh,
            label_en=spec.label_en,
            url=page_url(spec.owner),
            icon=spec.icon,
            order=860,
        )
        for spec in manageable(ctx)
    ]
