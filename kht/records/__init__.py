"""The registry of owned record kinds, gathered from `kht_register_record_kinds`."""

from __future__ import annotations

from kht.context import Ctx
from kht.errors import NotFound, PluginError
from kht.plugin_types import RecordKind


def record_kinds(ctx: Ctx) -> dict[str, RecordKind]:
    """Every declared kind by name; a kind declared twice is an error naming it."""
    kinds: dict[str, RecordKind] = {}
    for batch in ctx.hook.kht_register_record_kinds():
        for item in batch or []:
            if item.kind in kinds:
                raise PluginError(f"record kind {item.kind!r} is declared twice")
            kinds[item.kind] = item
    return kinds


def record_kind(ctx: Ctx, kind: str) -> RecordKind:
    """One declared kind, or NotFound."""
    found = record_kinds(ctx).get(kind)
    if found is None:
        raise NotFound(f"unknown record kind {kind!r}", "kind")
    return found
