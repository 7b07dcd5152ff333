"""The delivery module's hook implementations: its API and the home page's mail form."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.delivery.api import ROUTES as API
    from kht.delivery.views import ROUTES

    return [*API, *ROUTES]
