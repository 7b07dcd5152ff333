"""Bulk operations on a selection or on a whole filter: one transaction, every record audited.

A selection is either explicit ids (each must be visible, else the whole operation is
refused with 404) or "everything the current filter matches". Each record changes through
the record service, so permissions, validation, events and audit apply as for one edit;
one invalid record refuses the whole operation and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from kht import record_service as records
from kht.auth.models import User
from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import NotFound, ValidationError
from kht.lists.engine import Column
from kht.plugin_types import RecordKind
from kht.tags.service import change_tags

MAX_BULK = 10_000


def selected_ids(
    ctx: Ctx, spec: RecordKind, query: Select[Any], ids: list[int] | None
) -> list[int]:
    """The ids to act on: `ids` (all must be in `query`) or every row of `query`."""
    model = spec.model
    id_query = query.with_only_columns(model.id).order_by(None)
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        found = set(ctx.session.scalars(id_query.where(model.id.in_(wanted))))
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFound(f"{spec.kind} {missing[0]} not found", "ids")
        return wanted
    matched = list(ctx.session.scalars(id_query.limit(MAX_BULK + 1)))
    if len(matched) > MAX_BULK:
        raise ValidationError(f"narrow the filter: at most {MAX_BULK} records at once", "f")
    return matched


def _records(ctx: Ctx, spec: RecordKind, ids: list[int], deleted: bool = False) -> list[Any]:
    model = spec.model
    rows = ctx.session.scalars(records.visible(ctx, spec, deleted=deleted).where(model.id.in_(ids)))
    return list(rows)


def assign(ctx: Ctx, spec: RecordKind, ids: list[int], owner_id: int | None) -> int:
    """Give the records to `owner_id` (None: the shared pool); refused for kinds without
    owners (`RecordKind.owned`, products)."""
    if not spec.owned:
        raise ValidationError(f"a {spec.kind} has no owner to assign", "action")
    require(ctx.user, spec.module, "assign")
    if owner_id is not None:
        owner = ctx.session.get(User, owner_id)
        if owner is None or not owner.active:
            raise ValidationError("the new owner must be an active user", "owner_id")
    for record in _records(ctx, spec, ids):
        records.update_record(ctx, spec, record, None, {"owner_id": owner_id}, operation="assign")
    return len(ids)


def set_field(
    ctx: Ctx, spec: RecordKind, columns: dict[str, Column], ids: list[int], field: str, value: Any
) -> int:
    """Set one built-in or custom field on every record (validated like a single edit)."""
    column = columns.get(field)
    if column is None or field in records.PROTECTED or field in {"tag", "group"}:
        raise ValidationError(f"{field!r} cannot be set in bulk", "field")
    for record in _records(ctx, spec, ids):
        if field.startswith("ext."):
            _, namespace, name = field.split(".", 2)
            change = {"ext": {namespace: {name: value}}}
        else:
            change = {field: value}
        records.update_record(ctx, spec, record, None, change)
    return len(ids)


def tag(ctx: Ctx, spec: RecordKind, ids: list[int], add: list[str], remove: list[str]) -> int:
    """Add and/or remove tags."""
    return change_tags(ctx, spec, ids, add=add, remove=remove)


def delete(ctx: Ctx, spec: RecordKind, ids: list[int]) -> int:
    """Move the records to the recycle bin."""
    for record in _records(ctx, spec, ids):
        records.delete_record(ctx, spec, record)
    return len(ids)


def restore(ctx: Ctx, spec: RecordKind, ids: list[int]) -> int:
    """Bring records back from the recycle bin."""
    rows = _records(ctx, spec, ids, deleted=True)
    for record in rows:
        records.restore_record(ctx, spec, record)
    return len(rows)


def owner_choices(ctx: Ctx) -> list[tuple[int, str]]:
    """Active users a record can be assigned to (id, name)."""
    if ctx.user is None:
        return []
    rows = ctx.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    )
    return [(user_id, name) for user_id, name in rows]
