"""The lists module's hook implementations."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.lists import api, views

    return [*api.ROUTES, *views.ROUTES]
