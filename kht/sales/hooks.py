"""Hook implementations the sales modules (opportunities, quotes, orders) have alike, built
from what differs: a module's routes and record kind, its menu entry, the guard of a kind
written only by its service, and a panel on a customer's (or opportunity's) page. Each
module's plugin.py binds them to the hook names (`kht_menu_items = hookimpl(menu(...))`)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from kht.plugin_types import MenuItem, Panel, Problem, RecordKind


def routes(package: str) -> Callable[[], list[Any]]:
    """kht_register_routes: the API's and the pages' routes of `package`."""

    def kht_register_routes() -> list[Any]:
        api, views = import_module(f"{package}.api"), import_module(f"{package}.views")
        return [*api.ROUTES, *views.ROUTES]

    return kht_register_routes


def record_kind(package: str) -> Callable[[], list[RecordKind]]:
    """kht_register_record_kinds: the kind of `package` as its pages declare it (the
    service's, with its RecordPages)."""

    def kht_register_record_kinds() -> list[RecordKind]:
        return [import_module(f"{package}.views").SPEC]

    return kht_register_record_kinds


def menu(module: str, *items: MenuItem) -> Callable[[Any], list[MenuItem]]:
    """kht_menu_items: `items` for those who may view `module`."""

    def kht_menu_items(ctx: Any) -> list[MenuItem]:
        return list(items) if ctx.user is not None and ctx.user.can(module, "view") else []

    return kht_menu_items


def service_only(guarded: str) -> Callable[..., list[Problem] | None]:
    """kht_validate: a quote's or order's fields change only through its service (totals,
    status, number...); generic writers may touch only its free fields."""

    def kht_validate(ctx: Any, kind: str, record: Any, changes: dict) -> list[Problem] | None:
        if kind != guarded:
            return None
        from kht.sales.quotes.lines import guard_problems

        return guard_problems(ctx, kind, record, changes)

    return kht_validate


def panel(
    module: str, kinds: tuple[str, ...], context: str, **shown: Any
) -> Callable[..., list[Panel] | None]:
    """kht_record_panels: a panel (`shown`: key, titles, template, order) on the pages of
    `kinds` for those who may view `module`; `context` names the function
    ("package.views:function") giving the panel's values for (ctx, kind, record)."""

    def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
        if kind not in kinds or ctx.user is None or not ctx.user.can(module, "view"):
            return None
        where, name = context.split(":")
        values = getattr(import_module(where), name)(ctx, kind, record)
        return [Panel(**shown, context=values)]

    return kht_record_panels
