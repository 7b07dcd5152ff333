"""Reverting a committed import within 30 days: undo what its run wrote, as audited edits.

What a run wrote is read back from its audit rows (every row written while it ran carries
the job's id, see kht.audit.service.audited_as_job): the records it created go to the
recycle bin, the fields it updated go back to their audited old values. A record that has
changed since (any later audit row not from this run: an edit, a tag, a delete, another
import) refuses the whole revert with a message naming the records, and nothing is undone.
The UI, the API and anyone else call `revert_import`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from kht import record_service as records
from kht.audit.models import AuditEntry
from kht.audit.service import audited_as_job, record_action
from kht.context import Ctx
from kht.errors import Conflict
from kht.importing.builtin import import_kind
from kht.importing.service import get_import
from kht.jobs.models import Job
from kht.plugin_types import RecordKind
from kht.tags.service import change_tags

REVERT_DAYS = 30  # the refusal's message says 30 too
NAMED = 10  # records named in a refusal; the count gives the rest
_CHUNK = 1000


class Touched:
    """What one run wrote: the ids it created and, per updated record, field -> [old, new]."""

    def __init__(self) -> None:
        self.created: dict[int, None] = {}  # ordered, and a set for the lookups below
        self.updated: dict[int, dict[str, list[Any]]] = {}
        self.last_audit_id = 0

    def add(self, row: AuditEntry) -> None:
        self.last_audit_id = max(self.last_audit_id, row.id)
        if row.action == "create":
            self.created[row.record_id] = None
        elif row.action == "update" and row.record_id not in self.created:
            fields = self.updated.setdefault(row.record_id, {})
            for field, (old, new) in row.changes.items():
                first_old = fields[field][0] if field in fields else old
                fields[field] = [first_old, new]

    @property
    def ids(self) -> list[int]:
        return [*self.created, *self.updated]


def check_revertible(ctx: Ctx, job: Job) -> None:
    """Refuse (409) an import that wrote nothing, was reverted, or finished over 30 days ago."""
    result = job.result or {}
    if job.status != "done" or not result.get("written") or result.get("dry_run"):
        raise Conflict("this import wrote nothing, so there is nothing to revert", "status")
    if result.get("reverted_at"):
        raise Conflict("this import has already been reverted", "status")
    if job.finished_at is None or ctx.now() - job.finished_at > timedelta(days=REVERT_DAYS):
        raise Conflict("an import can only be reverted within 30 days", "status")


def can_revert(ctx: Ctx, job: Job) -> bool:
    """Whether the import's page should offer the revert (the checks that need no records)."""
    try:
        check_revertible(ctx, job)
    except Conflict:
        return False
    return True


def touched_by(ctx: Ctx, job: Job, kind: str) -> Touched:
    """The records of `kind` the job's run created or updated, from its audit rows."""
    touched = Touched()
    rows = select(AuditEntry).where(AuditEntry.job_id == job.id, AuditEntry.kind == kind)
    for row in ctx.session.scalars(rows.order_by(AuditEntry.id)):
        touched.add(row)
    return touched


def changed_since(ctx: Ctx, job: Job, spec: RecordKind, touched: Touched) -> list[int]:
    """Touched records with an audit row after the run that it did not write, or out of sight."""
    kind = spec.kind
    ids = touched.ids
    changed: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        query = select(AuditEntry.record_id).where(
            AuditEntry.kind == kind,
            AuditEntry.record_id.in_(ids[start : start + _CHUNK]),
            AuditEntry.id > touched.last_audit_id,
            or_(AuditEntry.job_id.is_(None), AuditEntry.job_id != job.id),
        )
        changed.update(ctx.session.scalars(query))
        changed.update(_invisible(ctx, spec, ids[start : start + _CHUNK]))
    return [i for i in ids if i in changed]


def _invisible(ctx: Ctx, spec: RecordKind, ids: list[int]) -> set[int]:
    """Ids the acting user can no longer see (moved out of their scope, or deleted)."""
    model = spec.model
    query = records.visible(ctx, spec).where(model.id.in_(ids)).with_only_columns(model.id)
    return set(ids) - set(ctx.session.scalars(query))


class ChangedSince(Conflict):
    """A revert refused because records changed since the import; `named` lists the first."""

    def __init__(self, count: int, named: str) -> None:
        self.count, self.named = count, named
        message = f"{count} record(s) changed since the import, so it cannot be reverted: {named}"
        super().__init__(message, "records")


def _refuse(ctx: Ctx, spec: RecordKind, changed: list[int]) -> ChangedSince:
    model = spec.model
    shown = changed[:NAMED]
    names: dict[int, str] = {}
    if hasattr(model, "name"):
        query = select(model.id, model.name).where(model.id.in_(shown))
        names = dict(ctx.session.execute(query).all())
    named = ", ".join(f"#{i} {names.get(i, '')}".strip() for i in shown)
    more = " …" if len(changed) > len(shown) else ""
    return ChangedSince(len(changed), named + more)


def _typed(model: Any, field: str, value: Any) -> Any:
    """An audited (JSON) value back in its column's Python type (dates, times, Decimals)."""
    column = model.__table__.c.get(field)
    if column is None or not isinstance(value, str):
        return value
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # SQLAlchemy's way of saying a type names no Python type
        return value
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(value)
    return value


def _old_ext(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """The ext change that puts back `old`: every field either side names, old value or none."""
    old, new = old or {}, new or {}
    return {
        ns: {name: old.get(ns, {}).get(name) for name in {*old.get(ns, {}), *new.get(ns, {})}}
        for ns in {*old, *new}
    }


def _restore(ctx: Ctx, spec: RecordKind, record_id: int, fields: dict[str, list[Any]]) -> None:
    record = records.get_record(ctx, spec, record_id)
    plain: dict[str, Any] = {}
    for field, (old, new) in fields.items():
        if field == "tags":
            add, remove = sorted(set(old) - set(new)), sorted(set(new) - set(old))
            change_tags(ctx, spec, [record_id], add=add, remove=remove)
        elif field == "owner_id":
            changes = {"owner_id": old}
            records.update_record(ctx, spec, record, None, changes, operation="assign")
        elif field == "ext":
            plain["ext"] = _old_ext(old, new)
        else:
            plain[field] = _typed(spec.model, field, old)
    if plain:
        records.update_record(ctx, spec, record, None, plain)


def _bin(ctx: Ctx, spec: RecordKind, ids: list[int]) -> None:
    """Move the created records to the recycle bin, a thousand per query."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = records.visible(ctx, spec).where(spec.model.id.in_(chunk))
        for record in ctx.session.scalars(query):
            records.delete_record(ctx, spec, record)


def revert_import(ctx: Ctx, import_id: int) -> Job:
    """Undo a committed import (see the module docstring); returns the job, marked reverted.

    409 when it cannot be reverted, naming the records that changed since.
    """
    job = get_import(ctx, import_id)
    check_revertible(ctx, job)
    spec = import_kind(ctx, job.params["kind"]).spec
    touched = touched_by(ctx, job, spec.kind)
    changed = changed_since(ctx, job, spec, touched)
    if changed:
        raise _refuse(ctx, spec, changed)
    with audited_as_job(ctx, job.id):
        _bin(ctx, spec, list(touched.created))
        for record_id, fields in touched.updated.items():
            _restore(ctx, spec, record_id, fields)
    summary = {"deleted": len(touched.created), "restored": len(touched.updated)}
    record_action(ctx, "import", job.id, "revert", {k: [None, v] for k, v in summary.items()})
    job.result = {
        **job.result,
        "reverted_at": ctx.now().isoformat(),
        "reverted_by": getattr(ctx.user, "name", ""),
        "revert": summary,
    }
    ctx.session.flush()
    return job


__all__ = [
    "ChangedSince",
    "REVERT_DAYS",
    "can_revert",
    "check_revertible",
    "revert_import",
    "touched_by",
]
