"""The jobs module's hook implementations: job API and page, `kht worker`."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.jobs.api import JobController
    from kht.jobs.views import ROUTES

    return [JobController, *ROUTES]


@hookimpl
def kht_register_commands(cli: Any) -> None:
    from kht.jobs.cli import worker

    cli.add_command(worker)
