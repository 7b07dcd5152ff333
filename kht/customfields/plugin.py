"""The custom-fields module's hook implementations."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import admin_menu


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.customfields import api, views

    return [api.CustomFieldController, *views.ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    return admin_menu(
        ctx,
        "customers",
        key="admin_fields",
        label_zh="自定义字段",
        label_en="Custom fields",
        url="/admin/fields",
        icon="ui-checks",
        order=820,
    )
