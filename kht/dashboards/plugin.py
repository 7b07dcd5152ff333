"""The dashboards module's hook implementations: its API and the home page's edit routes."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.dashboards.api import ROUTES as API
    from kht.dashboards.views import ROUTES

    return [*API, *ROUTES]
