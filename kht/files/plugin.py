"""The files module's hook implementations: routes and the files panel of record pages."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl
from kht.plugin_types import Panel


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.files import api, views

    return [*api.ROUTES, *views.ROUTES]


@hookimpl
def kht_record_panels(ctx: Any, kind: str, record: Any) -> list[Panel] | None:
    """The record's files, with an upload form for those who may edit the record."""
    from kht.files.service import list_files
    from kht.records import record_kinds

    spec = record_kinds(ctx).get(kind)
    if spec is None or ctx.user is None:
        return None
    return [
        Panel(
            key="files",
            title_zh="附件",
            title_en="Files",
            template="files/panel.html",
            order=60,
            context={
                "files": list_files(ctx, kind, record.id),
                "kind": kind,
                "record_id": record.id,
                "user_id": ctx.user.id,
                "can_edit": ctx.user.can(spec.module, "edit"),
            },
        )
    ]
