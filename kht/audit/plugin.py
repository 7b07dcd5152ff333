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

    return [AuditController]
