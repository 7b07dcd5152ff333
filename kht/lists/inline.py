"""Editing one cell of a list in place, through the kind's own partial update.

A kind opts in by declaring `update` and `update_schema` (see `RecordKind`, and its
`inline_edit`, which a kind whose edits need a whole form turns off); a cell is
editable when the user may edit the kind, the column is a plain value (not a reference, a
tag or the title link) and the update Struct has a field of its name. The change carries
the version the list showed, so a record changed meanwhile is a 409, never overwritten.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from kht import record_service as records
from kht.context import Ctx
from kht.errors import Forbidden, ValidationError
from kht.lists.engine import Column
from kht.plugin_types import RecordKind
from kht.records import record_kind

# Column types a single input can edit; references and multi-choices need their pickers.
EDITABLE_TYPES = frozenset({"text", "number", "date", "choice", "boolean"})
_AT = re.compile(r" - at `[^`]*`")  # msgspec's path of the field: the message names it


def field_name(column: Column) -> str:
    """The update Struct's field behind a column (`ext` for every custom field)."""
    return "ext" if column.key.startswith("ext.") else column.key


def editable(ctx: Ctx, spec: RecordKind, column: Column) -> bool:
    """Whether the acting user may edit `column` of `spec`'s records in place."""
    if spec.update is None or not spec.inline_edit:
        return False
    if ctx.user is None or not ctx.user.can(spec.module, "edit"):
        return False
    if column.type not in EDITABLE_TYPES or column.expr is None:
        return False
    name = field_name(column)
    return name != "version" and name in spec.update_schema.__struct_fields__


def editable_keys(ctx: Ctx, kind: str, columns: list[Column], skip: set[str]) -> set[str]:
    """The keys of `columns` (but not `skip`) the user may edit in place on `kind`'s list."""
    spec = record_kind(ctx, kind)
    return {c.key for c in columns if c.key not in skip and editable(ctx, spec, c)}


def editable_column(ctx: Ctx, kind: str, key: str) -> tuple[RecordKind, Column]:
    """The kind and column of an inline edit, or 403 naming the field it may not edit."""
    spec = record_kind(ctx, kind)
    column = spec.columns(ctx).get(key) if spec.columns is not None else None
    if column is None or not editable(ctx, spec, column):
        raise Forbidden(f"{key} cannot be edited here", key)
    return spec, column


def _change(column: Column, value: Any) -> dict[str, Any]:
    if column.key.startswith("ext."):
        _, namespace, name = column.key.split(".", 2)
        return {"ext": {namespace: {name: value}}}
    return {column.key: value}


def _data(spec: RecordKind, column: Column, version: int, text: str) -> Any:
    """The update Struct for one typed-in value ("" clears a field that may be empty)."""
    attempts = [text, None] if text == "" else [text]
    for value in attempts:
        try:
            body = {"version": version, **_change(column, value)}
            return msgspec.convert(body, spec.update_schema, strict=False)
        except msgspec.ValidationError as exc:
            error = exc
    message = _AT.sub("", str(error))
    raise ValidationError(f"{column.key}: {message}", column.key)


def save_cell(
    ctx: Ctx, spec: RecordKind, column: Column, record_id: int, version: str, text: str
) -> Any:
    """Apply one cell's new value through the kind's update (409 when `version` is stale).

    Runs in a savepoint, so a refused change leaves nothing behind in the request.
    """
    if not version.isdigit():
        raise ValidationError("version is required", "version")
    data = _data(spec, column, int(version), text.strip())
    with ctx.session.begin_nested():
        spec.update(ctx, record_id, data)
    return records.get_record(ctx, spec, record_id)
