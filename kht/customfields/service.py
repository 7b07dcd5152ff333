"""Custom-field definitions: only administrators of a record kind's module change them.

Retiring a field hides it from forms, lists and validation but keeps stored values, so
restoring it brings them back.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.db.custom_fields import FIELD_TYPES, CustomField, FieldDef, check_definition
from kht.errors import Conflict, NotFound, ValidationError
from kht.fields import forget_fields
from kht.records import record_kind

EXTENSIBLE = ("customer", "contact", "lead", "opportunity", "action")


def _module(ctx: Ctx, kind: str) -> str:
    if kind not in EXTENSIBLE:
        raise ValidationError(f"kind must be one of: {', '.join(EXTENSIBLE)}", "kind")
    return record_kind(ctx, kind).module


def list_fields(ctx: Ctx, kind: str, *, include_retired: bool = True) -> list[CustomField]:
    """The administrator's fields of `kind` in display order (retired ones last)."""
    require(ctx.user, _module(ctx, kind), "view")
    query = select(CustomField).where(CustomField.kind == kind)
    if not include_retired:
        query = query.where(CustomField.active)
    order = (CustomField.active.desc(), CustomField.position, CustomField.id)
    return list(ctx.session.scalars(query.order_by(*order)))


def add_field(ctx: Ctx, kind: str, definition: FieldDef) -> CustomField:
    """Add a field at the end; its name is unique per kind (retired ones included)."""
    require(ctx.user, _module(ctx, kind), "admin")
    _check(definition)
    clash = ctx.session.scalar(
        select(CustomField).where(CustomField.kind == kind, CustomField.name == definition.name)
    )
    if clash is not None:
        raise Conflict(f"{kind} already has a field named {definition.name!r}", "name")
    last = (
        ctx.session.scalar(select(func.max(CustomField.position)).where(CustomField.kind == kind))
        or 0
    )
    field = CustomField(
        kind=kind,
        name=definition.name,
        type=definition.type,
        label_zh=definition.label_zh,
        label_en=definition.label_en,
        required=definition.required,
        choices=list(definition.choices),
        position=last + 10,
        help=definition.help,
        active=True,
    )
    ctx.session.add(field)
    ctx.session.flush()
    forget_fields(ctx)
    return field


def _check(definition: FieldDef) -> None:
    check_definition(definition)
    if definition.type not in FIELD_TYPES:
        raise ValidationError(f"type must be one of: {', '.join(FIELD_TYPES)}", "type")
    for label in ("label_zh", "label_en"):
        if not getattr(definition, label).strip():
            raise ValidationError(f"{label} is required", label)


def get_field(ctx: Ctx, field_id: int) -> CustomField:
    field = ctx.session.get(CustomField, field_id)
    if field is None:
        raise NotFound(f"field {field_id} not found")
    require(ctx.user, _module(ctx, field.kind), "admin")
    return field


def update_field(
    ctx: Ctx,
    field_id: int,
    *,
    label_zh: str | None = None,
    label_en: str | None = None,
    required: bool | None = None,
    choices: list[str] | None = None,
    help: str | None = None,
) -> CustomField:
    """Change labels, help, whether it is required, or its choices (name and type stay)."""
    field = get_field(ctx, field_id)
    changes = {
        "label_zh": label_zh,
        "label_en": label_en,
        "required": required,
        "choices": choices,
        "help": help,
    }
    for key, value in changes.items():
        if value is not None:
            setattr(field, key, value)
    _check(field.to_def())
    ctx.session.flush()
    forget_fields(ctx)
    return field


def set_retired(ctx: Ctx, field_id: int, retired: bool) -> CustomField:
    """Retire a field (values kept, no longer shown or validated) or bring it back."""
    field = get_field(ctx, field_id)
    field.active = not retired
    ctx.session.flush()
    forget_fields(ctx)
    return field


def reorder(ctx: Ctx, kind: str, field_ids: list[int]) -> list[CustomField]:
    """Put the fields of `kind` in the given order (every active field must be named)."""
    require(ctx.user, _module(ctx, kind), "admin")
    fields = {f.id: f for f in list_fields(ctx, kind, include_retired=False)}
    if sorted(field_ids) != sorted(fields):
        raise ValidationError("name every active field of the kind exactly once", "field_ids")
    for position, field_id in enumerate(field_ids, start=1):
        fields[field_id].position = position * 10
    ctx.session.flush()
    forget_fields(ctx)
    return [fields[i] for i in field_ids]
