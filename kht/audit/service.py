"""Writing audit rows (from lifecycle events) and reading a record's history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kht.audit.models import AuditEntry
from kht.auth.scope import restrict
from kht.context import Ctx
from kht.errors import NotFound
from kht.events import (
    Event,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
)
from kht.records import record_kind

_SKIPPED = {"version", "updated_at", "updated_by_id"}


def _changes(event: Event) -> tuple[str, dict[str, Any]] | None:
    if isinstance(event, RecordCreated):
        return "create", {k: [None, v] for k, v in event.values.items() if k not in _SKIPPED}
    if isinstance(event, RecordUpdated):
        return "update", {k: v for k, v in event.changes.items() if k not in _SKIPPED}
    if isinstance(event, RecordDeleted):
        return ("purge" if event.hard else "delete"), {}
    if isinstance(event, RecordRestored):
        return "restore", {}
    if isinstance(event, RecordsMerged):
        return "merge", {"merged_ids": [None, list(event.merged_ids)]}
    return None


def record_event(ctx: Ctx, event: Event) -> None:
    """Write the audit row for a create/update/delete/restore/merge event."""
    found = _changes(event)
    if found is None:
        return
    action, changes = found
    ctx.session.add(
        AuditEntry(
            at=ctx.now(),
            user_id=event.user_id,
            kind=event.kind,
            record_id=event.record_id,
            action=action,
            changes=changes,
        )
    )


def history(ctx: Ctx, kind: str, record_id: int) -> list[AuditEntry]:
    """The audit trail of one record the acting user may see, newest first."""
    spec = record_kind(ctx, kind)
    query = restrict(
        select(spec.model.id).where(spec.model.id == record_id), ctx.user, spec.model, spec.module
    )
    if ctx.session.scalar(query) is None:
        raise NotFound(f"{kind} {record_id} not found")
    rows = select(AuditEntry).where(AuditEntry.kind == kind, AuditEntry.record_id == record_id)
    return list(ctx.session.scalars(rows.order_by(AuditEntry.id.desc())))
