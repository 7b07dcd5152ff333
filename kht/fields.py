"""The field list of a record kind: plugin-declared fields plus administrator-defined ones."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select

from kht.context import Ctx
from kht.db.custom_fields import CustomField, FieldDef


def builtin(name: str, type: str, label_zh: str, label_en: str, **more: Any) -> FieldDef:
    """A built-in field of a record kind's declaration (`RecordKind.fields`): a model
    column, so outside every custom-field namespace."""
    return FieldDef(
        name=name, type=type, label_zh=label_zh, label_en=label_en, namespace="", **more
    )  # type: ignore[arg-type]


# Built-in fields many kinds have, declared once: `common("phone", "email")`.
_COMMON = {
    "phone": ("phone", "电话", "Phone"),
    "mobile": ("phone", "手机", "Mobile"),
    "email": ("email", "邮箱", "Email"),
    "owner_id": ("user", "负责人", "Owner"),
    "created_at": ("date", "创建时间", "Created"),
    "updated_at": ("date", "更新时间", "Updated"),
    "notes": ("long_text", "备注", "Notes"),
}


def common(*names: str) -> tuple[FieldDef, ...]:
    """The shared built-in fields `names` (phone, mobile, email, owner_id, created_at,
    updated_at, notes), with the labels every kind gives them."""
    return tuple(builtin(name, *_COMMON[name]) for name in names)


def plugin_fields(ctx: Ctx, kind: str) -> list[FieldDef]:
    """Fields the enabled plugins declare for `kind`, each in its plugin's namespace."""
    fields: list[FieldDef] = []
    hook = ctx.hook.kht_register_fields
    for impl in hook.get_hookimpls():
        declared = impl.function(**({"kind": kind} if "kind" in impl.argnames else {}))
        for field in declared or []:
            fields.append(_in_namespace(field, impl.plugin_name))
    return fields


def _in_namespace(field: FieldDef, plugin_name: str) -> FieldDef:
    return msgspec.structs.replace(field, namespace=plugin_name)


def admin_fields(ctx: Ctx, kind: str, *, include_retired: bool = False) -> list[FieldDef]:
    """Fields administrators defined for `kind`, in their display order."""
    query = select(CustomField).where(CustomField.kind == kind)
    if not include_retired:
        query = query.where(CustomField.active)
    rows = ctx.session.scalars(query.order_by(CustomField.position, CustomField.id))
    return [row.to_def() for row in rows]


# Field lists are read several times per write (validation, events, search); they are kept
# for the rest of the request, and forgotten when an administrator changes a field.
CACHE_KEY = "kht.fields"


def fields_for(ctx: Ctx, kind: str) -> list[FieldDef]:
    """Every active field of `kind`: plugin fields first, then the administrator's."""
    cache = ctx.extra.setdefault(CACHE_KEY, {})
    if kind not in cache:
        cache[kind] = plugin_fields(ctx, kind) + admin_fields(ctx, kind)
    return list(cache[kind])


def forget_fields(ctx: Ctx) -> None:
    """Drop the request's cached field lists (after a field was added, changed or retired)."""
    ctx.extra.pop(CACHE_KEY, None)
