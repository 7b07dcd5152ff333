"""Declarations the sales kinds (opportunities, quotes, orders) share: the built-in fields
they have in common (RecordKind.fields) and the list columns every one of them has."""

from __future__ import annotations

from typing import Any

from kht.context import Ctx
from kht.db.custom_fields import FieldDef
from kht.fields import builtin, fields_for
from kht.lists.engine import Column, custom_columns, tag_column, with_plugin_columns

SHARED = {
    field.name: field
    for field in (
        builtin("customer_id", "number", "客户", "Customer", required=True),
        builtin("contact_id", "number", "联系人", "Contact"),
        builtin("opportunity_id", "number", "销售机会", "Opportunity"),
        builtin("quote_id", "number", "报价", "Quote"),
        builtin("currency", "text", "币种", "Currency"),
        builtin("total", "money", "合计", "Total"),
        builtin("owner_id", "user", "负责人", "Owner"),
        builtin("notes", "long_text", "备注", "Notes"),
    )
}


def shared(*names: str) -> tuple[FieldDef, ...]:
    """The shared field declarations of `names`, in that order."""
    return tuple(SHARED[name] for name in names)


def col(key: str, zh: str, en: str, type_: str, expr: Any, default: bool = False, **kw: Any):
    """One list column (kht.lists.engine.Column)."""
    return Column(key=key, label_zh=zh, label_en=en, type=type_, expr=expr, default=default, **kw)


def with_common_columns(ctx: Ctx, model: Any, kind: str, own: list[Column]) -> dict[str, Column]:
    """A sales kind's columns by key: its own, then when it was created and updated, its
    id, its tags and its custom fields."""
    every = [
        *own,
        col("created_at", "创建时间", "Created", "date", model.created_at),
        col("updated_at", "更新时间", "Updated", "date", model.updated_at),
        col("id", "编号", "ID", "number", model.id),
        tag_column(model, kind),
        *custom_columns(model, fields_for(ctx, kind)),
    ]
    return with_plugin_columns(ctx, kind, {column.key: column for column in every})
