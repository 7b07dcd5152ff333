"""The competitors module's hook implementations: the record kind, its routes, and the
Competitors block of an opportunity's page."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel, RecordKind


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.competitors.views import SPEC  # the service's, with its pages

    return [SPEC]


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.competitors.views import ROUTES

    return ROUTES


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """An opportunity's competitors, with add and remove for those who may edit it."""
    if kind != "opportunity" or ctx.user is None:
        return None
    from kht.competitors.views import opportunity_panel

    return [opportunity_panel(ctx, record)]
