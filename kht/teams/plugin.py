"""The record teams module's hook implementations: routes and the Team block of record pages."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.teams import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The record's team on every kind's record page, with add/remove forms for those who
    may manage it."""
    from kht.teams.panel import team_panel

    return team_panel(ctx, kind, record)
