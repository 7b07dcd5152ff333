"""The delivery module's hook implementations: its API."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.delivery.api import ROUTES

    return ROUTES
