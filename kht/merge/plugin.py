"""The merge module's hook implementations: its routes."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.merge import api, views

    return [*api.ROUTES, *views.ROUTES]
