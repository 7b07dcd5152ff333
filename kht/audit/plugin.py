"""The audit module's hook implementations: every lifecycle event becomes an audit row."""

from __future__ import annotations

from typing import Any

from kht.hookspecs import hookimpl


@hookimpl(trylast=True)
def kht_on_event(ctx: Any, event: Any) -> None:
    from kht.audit.service import record_event

    record_event(ctx, event)


@hookimpl
def kht_register_routes() -> list[Any]:
    from kht.audit.api import AuditController
    from kht.audit.views import ROUTES

    return [AuditController, *ROUTES]


@hookimpl
def kht_menu_items(ctx: Any) -> list[Any]:
    from kht.plugin_types import MenuItem

    if ctx.user is None or not ctx.user.can("users", "admin"):
        return []
    return [
        MenuItem(
            key="admin_audit",
            section="admin",
            label_zh="审计日志",
            label_en="Audit log",
            url="/admin/audit",
            icon="journal-text",
            order=860,
        )
    ]
