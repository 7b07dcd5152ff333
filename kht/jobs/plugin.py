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


@hookimpl
def kht_register_periodic_tasks() -> list[Any]:
    """The core's scheduled work (each module's run function; nightly ones at night in the
    company's time zone, caught up for six hours after a stopped worker)."""
    from kht.jobs.core_tasks import CORE_TASKS

    return CORE_TASKS
