"""The custom-fields module's hook implementations."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.customfields import api, views

    return [api.CustomFieldController, *views.ROUTES]
