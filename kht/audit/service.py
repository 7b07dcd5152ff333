"""Writing audit rows (from lifecycle events) and reading a record's history.

Rows are buffered per transaction and written with one executemany per batch (see
kht/audit/deferred.py): an import fires one event per record, and an ORM object per row
cost more than the import itself. Reads of `audit_log` flush the buffer first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from kht.audit.deferred import BATCH, buffer_of, flush_pending
from kht.audit.models import AuditEntry
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound
from kht.events import (
    Event,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
    StageChanged,
)
from kht.lists.engine import count
from kht.record_service import scoped
from kht.records import record_kind

_SKIPPED = {"version", "updated_at", "updated_by_id"}
JOB_KEY = "audit_job_id"  # ctx.extra: the job whose changes are being audited


@contextmanager
def audited_as_job(ctx: Ctx, job_id: int) -> Iterator[None]:
    """Audit rows written inside the block carry `job_id` (an import's run, for its revert)."""
    before = ctx.extra.get(JOB_KEY)
    ctx.extra[JOB_KEY] = job_id
    try:
        yield
    finally:
        ctx.extra[JOB_KEY] = before


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
    if isinstance(event, StageChanged) and event.cause == "reopen":
        # A closed deal taken back out of won/lost: its own row, findable in the audit log.
        return "reopen", {"stage": [event.from_stage, event.to_stage]}
    return None


class _AuditRows:
    """Audit rows waiting for their executemany INSERT."""

    tables = frozenset({AuditEntry.__tablename__})

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def write(self, session: Session, connection: Connection) -> None:
        rows, self.rows = self.rows, []
        connection.execute(insert(AuditEntry.__table__), rows)


def record_event(ctx: Ctx, event: Event) -> None:
    """Buffer the audit row of a create/update/delete/restore/merge event."""
    found = _changes(event)
    if found is None:
        return
    action, changes = found
    _buffer(ctx, event.kind, event.record_id, action, changes, event.user_id)


def _buffer(
    ctx: Ctx,
    kind: str,
    record_id: int,
    action: str,
    changes: dict[str, Any],
    user_id: int | None,
) -> None:
    pending = buffer_of(ctx.session, "audit", _AuditRows)
    pending.rows.append(
        {
            "at": ctx.now(),
            "user_id": user_id,
            "kind": kind,
            "record_id": record_id,
            "action": action,
            "changes": changes,
            "job_id": ctx.extra.get(JOB_KEY),
        }
    )
    if len(pending.rows) >= BATCH:
        flush_pending(ctx.session)


def record_action(
    ctx: Ctx, kind: str, record_id: int, action: str, changes: dict[str, Any]
) -> None:
    """Audit something that is not a record event (e.g. an import reverted), like the rest."""
    _buffer(ctx, kind, record_id, action, changes, ctx.user_id)


def history(ctx: Ctx, kind: str, record_id: int) -> list[AuditEntry]:
    """The audit trail of one record the acting user may see, newest first."""
    spec = record_kind(ctx, kind)
    query = scoped(ctx, spec, select(spec.model.id).where(spec.model.id == record_id))
    if ctx.session.scalar(query) is None:
        raise NotFound(f"{kind} {record_id} not found")
    rows = select(AuditEntry).where(AuditEntry.kind == kind, AuditEntry.record_id == record_id)
    return list(ctx.session.scalars(rows.order_by(AuditEntry.id.desc())))


class LogFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the audit log viewer; None or "" means any. `since`/`until` are the
    inclusive first and last day in the viewer's time zone."""

    user_id: int | None = None
    kind: str = ""
    record_id: int | None = None
    since: date | None = None
    until: date | None = None


def _day_start(ctx: Ctx, day: date) -> datetime:
    """Midnight of `day` in the acting user's time zone, in UTC."""
    return ctx.day_start(day)


def search_log(
    ctx: Ctx, filters: LogFilter, *, page: int = 1, page_size: int = 50
) -> tuple[list[AuditEntry], int]:
    """One page of the whole audit log (newest first) and the total; administrators only."""
    require(ctx.user, "users", "admin")
    flush_pending(ctx.session)
    query = select(AuditEntry)
    if filters.user_id is not None:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if filters.kind:
        query = query.where(AuditEntry.kind == filters.kind)
    if filters.record_id is not None:
        query = query.where(AuditEntry.record_id == filters.record_id)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= _day_start(ctx, filters.since))
    if filters.until is not None:
        query = query.where(AuditEntry.at < _day_start(ctx, filters.until + timedelta(days=1)))
    total = count(ctx.session, query)
    newest = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    rows = ctx.session.scalars(newest.offset((page - 1) * page_size).limit(page_size))
    return list(rows), total
