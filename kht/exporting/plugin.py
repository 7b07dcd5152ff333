"""The exporting module's hook implementations: export API and download route, `kht export`."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.exporting import api, views

    return [*api.CONTROLLERS, *views.CONTROLLERS]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.exporting.cli import export_command

    cli.add_command(export_command)
