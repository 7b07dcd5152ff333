"""The organisation module's hook implementations: its pages and API."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.org import api, company_api, views

    return [*views.ROUTES, *api.ROUTES, *company_api.ROUTES]
