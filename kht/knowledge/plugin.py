"""The knowledge module's hook implementations: record kind, routes, reports, demo data."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.knowledge.api import ROUTES as API
    from kht.knowledge.views import ROUTES

    return [*API, *ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.knowledge.views import SPEC  # the service's, with its pages

    return [SPEC]


@hookimpl
def kht_register_reports() -> list[Any]:
    """Knowledge usage: views and helpful votes by article and category."""
    from kht.knowledge.reports import REPORTS

    return REPORTS


@hookimpl(trylast=True)
def kht_demo_data(ctx: Any) -> None:
    """Categories and articles in Chinese and English (skipped when there are some)."""
    from kht.knowledge.demo import load

    load(ctx)
