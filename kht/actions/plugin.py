"""The actions module's hook implementations: routes, record kind, the timeline panel."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel, RecordKind


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.actions import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_register_record_kinds() -> list[RecordKind]:
    from kht.actions.service import SPEC

    return [SPEC]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The timeline, with a form to log a note, on every record page that has one."""
    if kind not in ("customer", "contact", "lead", "opportunity"):
        return None
    from kht.actions.service import timeline

    return [
        Panel(
            key="timeline",
            title_zh="时间线",
            title_en="Timeline",
            template="actions/panel.html",
            order=20,
            context={"items": timeline(ctx, kind, record.id), "kind": kind, "record_id": record.id},
        )
    ]
