"""The importing module's hook implementations: API, wizard pages, `kht import`."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.importing.api import ImportController
    from kht.importing.views import ROUTES

    return [ImportController, *ROUTES]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.importing.cli import import_command

    cli.add_command(import_command)


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    from kht.plugin_types import MenuItem

    modules = ("customers", "contacts", "leads")
    if ctx.user is None or not any(ctx.user.can(m, "import") for m in modules):
        return []
    return [
        MenuItem(
            key="import",
            section="customers",
            label_zh="导入",
            label_en="Import",
            url="/import",
            icon="upload",
            order=90,
        )
    ]
