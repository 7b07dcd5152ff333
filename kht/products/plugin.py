"""The products module's hook implementations: routes, record kinds, menu, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import RecordAction, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.products.api import ROUTES as API
    from kht.products.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.products.pricing import SPEC as PRICE_LISTS
    from kht.products.views import SPEC  # the service's, with its pages

    return [SPEC, PRICE_LISTS]


@hookimpl
def kht_record_actions(ctx: Any, kind: str, record: Any) -> list[RecordAction] | None:
    """Edit on a product's page, for roles that may edit products."""
    if kind != "product" or ctx.user is None or not ctx.user.can("products", "edit"):
        return None
    url = f"/products/{record.id}/edit"
    return [RecordAction(key="edit", label_zh="编辑", label_en="Edit", url=url)]


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """A catalogue of a dozen products and two price lists (skipped when they exist)."""
    from kht.products.demo import load

    load(ctx)


@hookimpl
def kht_register_reports() -> list[Any]:
    """This module's reports (kht.products.reports)."""
    from kht.products.reports import REPORTS

    return REPORTS
