"""The registry of owned record kinds, gathered from `kht_register_record_kinds`.

Every kind comes back complete: the service hooks a declaration leaves out are filled with
the generic record service's defaults (`kht.record_service.with_defaults`), so consumers
call `kind.get(ctx, id)`, `kind.columns(ctx)`, `kind.query(ctx, ...)` on any kind.
"""

from __future__ import annotations

from typing import Any

from kht.context import Ctx
from kht.errors import NotFound, PluginError
from kht.plugin_types import MenuItem, RecordKind

# Declared kind -> the kind with its defaults; declarations are immutable and few.
_COMPLETED: dict[int, tuple[RecordKind, RecordKind]] = {}


def completed(kind: RecordKind) -> RecordKind:
    """`kind` with the generic record service's defaults for what it does not declare."""
    from kht.record_service import with_defaults

    kept = _COMPLETED.get(id(kind))
    if kept is None or kept[0] is not kind:
        kept = (kind, with_defaults(kind))
        _COMPLETED[id(kind)] = kept
    return kept[1]


def declared_kinds(hook: Any) -> dict[str, RecordKind]:
    """Every kind the enabled plugins declare, by name, completed; a kind declared twice is
    an error naming it."""
    kinds: dict[str, RecordKind] = {}
    for batch in hook.kht_register_record_kinds():
        for item in batch or []:
            if item.kind in kinds:
                raise PluginError(f"record kind {item.kind!r} is declared twice")
            kinds[item.kind] = completed(item)
    return kinds


def record_kinds(ctx: Ctx) -> dict[str, RecordKind]:
    """Every declared kind by name; a kind declared twice is an error naming it."""
    return declared_kinds(ctx.hook)


def record_kind(ctx: Ctx, kind: str) -> RecordKind:
    """One declared kind, or NotFound."""
    found = record_kinds(ctx).get(kind)
    if found is None:
        raise NotFound(f"unknown record kind {kind!r}", "kind")
    return found


def kind_menu_items(ctx: Ctx) -> list[MenuItem]:
    """The navigation entries kinds declare (`RecordKind.menu`), for a user whose role may
    view the kind's module."""
    user = ctx.user
    if user is None:
        return []
    return [
        MenuItem(
            key=kind.plural,
            label_zh=kind.label_zh,
            label_en=kind.label_en,
            url=f"/{kind.plural}",
            section=kind.menu.section,
            icon=kind.menu.icon,
            order=kind.menu.order,
        )
        for kind in record_kinds(ctx).values()
        if kind.menu is not None and user.can(kind.module, "view")
    ]
