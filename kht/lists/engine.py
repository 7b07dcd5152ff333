"""Filtering and sorting any list on any column, built-in or custom, the same way.

A list is described by its columns (`Column`): a key (`name`, `owner_id`,
`ext.custom.level`, ...), labels, a type and the SQL expression behind it. Filters come as
`field:op:value` strings (query parameters `f=`), or as Filter structs in saved views and
segments; every bad field, operator or value is a ValidationError naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec
from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Numeric,
    Select,
    and_,
    cast,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from kht.clock import midnight
from kht.db.custom_fields import ChoiceSpec, FieldDef, choice_for_text, choice_keys, choice_label
from kht.errors import PluginError, ValidationError
from kht.tags.models import RecordTag, Tag

OPS = {
    "text": ("eq", "ne", "contains", "starts", "empty", "not_empty", "in"),
    "number": ("eq", "ne", "gt", "gte", "lt", "lte", "empty", "not_empty"),
    "date": ("eq", "gt", "gte", "lt", "lte", "empty", "not_empty"),
    "choice": ("eq", "ne", "in", "empty", "not_empty"),
    "multi_choice": ("contains", "empty", "not_empty"),
    "boolean": ("eq",),
    "ref": ("eq", "ne", "in", "empty", "not_empty"),
}
FIELD_TYPE_TO_LIST = {
    "text": "text",
    "long_text": "text",
    "phone": "text",
    "email": "text",
    "url": "text",
    "number": "number",
    "money": "number",
    "date": "date",
    "single_choice": "choice",
    "multi_choice": "multi_choice",
    "user": "ref",
    "boolean": "boolean",
}


class Column(msgspec.Struct, frozen=True, kw_only=True):
    """One column a list can show, filter and sort by."""

    key: str
    label_zh: str
    label_en: str
    type: str
    expr: Any = None
    # The stored keys a choice column allows; a custom field's may carry labels (Choice).
    choices: tuple[ChoiceSpec, ...] = ()
    sortable: bool = True
    default: bool = False
    condition: Callable[[str, Any], Any] | None = None

    def label(self, language: str) -> str:
        return self.label_zh if language.startswith("zh") else self.label_en

    @property
    def choice_keys(self) -> tuple[str, ...]:
        return choice_keys(self.choices)

    def choice_label(self, value: Any, language: str) -> Any:
        """A stored choice's label in `language` (the value itself when it has none)."""
        return choice_label(self.choices, value, language)


class Filter(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """`field` `op` `value`, e.g. name contains 同方."""

    field: str
    op: str
    value: Any = None


def parse_filter(text: str) -> Filter:
    """`field:op:value` (the value may itself contain colons) into a Filter."""
    parts = text.split(":", 2)
    if len(parts) < 2:
        raise ValidationError(f"filter {text!r} must look like field:op:value", "f")
    return Filter(field=parts[0], op=parts[1], value=parts[2] if len(parts) == 3 else None)


def custom_columns(model: Any, fields: list[FieldDef]) -> list[Column]:
    """Columns for custom fields stored in `model.ext`, typed by their definitions."""
    columns = []
    for field in fields:
        kind = FIELD_TYPE_TO_LIST[field.type]
        raw = model.ext[(field.namespace, field.name)]
        if kind == "number":
            expr = cast(raw.as_string(), Numeric(18, 4))
        elif kind == "boolean":
            expr = raw.as_boolean()
        elif kind == "ref":
            expr = raw.as_integer()
        else:
            expr = raw.as_string()
        columns.append(
            Column(
                key=field.key,
                label_zh=field.label_zh,
                label_en=field.label_en,
                type=kind,
                expr=expr,
                choices=field.choices,
            )
        )
    return columns


def with_plugin_columns(ctx: Any, kind: str, columns: dict[str, Column]) -> dict[str, Column]:
    """`columns` and the computed columns plugins add to `kind` (`kht_register_columns`); a
    key given twice is a PluginError naming it."""
    found = dict(columns)
    for batch in ctx.hook.kht_register_columns(kind=kind, columns=dict(columns)):
        for column in batch or []:
            if not isinstance(column, Column):
                raise PluginError(f"a column of {kind} must be a ListColumn, not {column!r}")
            if column.key in found:
                raise PluginError(f"column {column.key!r} of {kind} is declared twice")
            found[column.key] = column
    return found


class days_between(FunctionElement[int]):  # noqa: N801 (an SQL function, named like one)
    """Whole days from `start` to `end` (two stored UTC times) as SQL, on SQLite and
    PostgreSQL alike; NULL when either is NULL. A list column of elapsed days (days to
    close) is `days_between(created, closed)`."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(TRUNC(EXTRACT(EPOCH FROM ({end} - {start})) / 86400) AS INTEGER)"


def tag_column(model: Any, kind: str) -> Column:
    """A `tag` pseudo-column: records carrying a tag (by name)."""

    def condition(op: str, value: Any) -> Any:
        names = value if isinstance(value, list) else [value]
        tagged = (
            select(RecordTag.record_id)
            .join(Tag, Tag.id == RecordTag.tag_id)
            .where(RecordTag.kind == kind, Tag.name.in_(names))
        )
        return model.id.in_(tagged) if op in ("eq", "in") else model.id.not_in(tagged)

    return Column(
        key="tag", label_zh="标签", label_en="Tag", type="ref", sortable=False, condition=condition
    )


def _number(column: Column, value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(f"{column.key} needs a number, not {value!r}", column.key) from None


def _date(column: Column, value: Any, zone: tzinfo) -> Any:
    try:
        parsed = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(f"{column.key} needs a date (YYYY-MM-DD)", column.key) from None
    if column.key.startswith("ext."):
        return parsed.isoformat()  # custom dates are stored as ISO strings
    kind = getattr(column.expr, "type", None)
    if isinstance(kind, Date) and not isinstance(kind, DateTime):
        # A day column compares with a day: SQLite stores 2026-06-01, and a midnight
        # datetime there ("2026-06-01 00:00:00") would sort after the same day.
        return parsed
    # A stored time compares with the instant the reader's day begins: `gte:2026-04-01` in
    # Beijing starts at 2026-03-31 16:00 UTC, as a report's April bucket does.
    return midnight(parsed, zone)


def _coerce(column: Column, value: Any, zone: tzinfo = UTC) -> Any:
    if column.type == "number":
        return _number(column, value)
    if column.type == "date":
        return _date(column, value, zone)
    if column.type == "boolean":
        return str(value).lower() in {"1", "true", "yes", "on"}
    if column.type == "ref":
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{column.key} needs an id", column.key) from None
    if column.type in ("choice", "multi_choice") and column.choices:
        # People filter by what they read: a label in either language means its key.
        key = choice_for_text(column.choices, str(value))
        if key is None and column.type == "choice":
            raise ValidationError(
                f"{column.key} must be one of: {', '.join(column.choice_keys)}", column.key
            )
        return key if key is not None else str(value)
    return str(value)


def _values(column: Column, value: Any) -> list[Any]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [_coerce(column, item) for item in items if str(item) != ""]


def condition(column: Column, op: str, value: Any, *, zone: tzinfo = UTC) -> Any:
    """The SQL condition for one filter on one column; a date means that day in `zone` (the
    reader's: `ctx.zone`)."""
    if op not in OPS[column.type]:
        raise ValidationError(
            f"{column.key} cannot be filtered with {op!r} "
            f"(use one of: {', '.join(OPS[column.type])})",
            column.key,
        )
    if column.condition is not None:
        return column.condition(op, value)
    expr = column.expr
    if op == "empty":
        return or_(expr.is_(None), expr == "") if column.type == "text" else expr.is_(None)
    if op == "not_empty":
        return and_(expr.is_not(None), expr != "") if column.type == "text" else expr.is_not(None)
    if op == "in":
        return expr.in_(_values(column, value))
    if op == "contains":
        needle = str(_coerce(column, value) if value else "")
        pattern = f'%"{needle}"%' if column.type == "multi_choice" else f"%{needle}%"
        return expr.like(pattern) if needle else false()
    if op == "starts":
        return expr.like(f"{value}%")
    target = _coerce(column, value, zone)
    compare = {
        "eq": expr.__eq__,
        "ne": expr.__ne__,
        "gt": expr.__gt__,
        "gte": expr.__ge__,
        "lt": expr.__lt__,
        "lte": expr.__le__,
    }[op]
    return compare(target)


def apply_filters(
    query: Select[Any],
    columns: dict[str, Column],
    filters: list[Filter],
    *,
    zone: tzinfo = UTC,
) -> Select[Any]:
    """`query` narrowed by every filter (they combine with AND); dates are days in `zone`,
    the reader's (`ctx.zone`), as the list shows times."""
    for item in filters:
        column = columns.get(item.field)
        if column is None:
            raise ValidationError(f"unknown field {item.field!r} in filter", item.field)
        query = query.where(condition(column, item.op, item.value, zone=zone))
    return query


def apply_sort(
    query: Select[Any], columns: dict[str, Column], sort: str, tiebreak: Any
) -> Select[Any]:
    """`query` ordered by `sort` (`-` prefix for descending), then by `tiebreak`."""
    key = sort.lstrip("-")
    column = columns.get(key)
    if column is None or not column.sortable or column.expr is None:
        names = ", ".join(k for k, c in columns.items() if c.sortable and c.expr is not None)
        raise ValidationError(f"cannot sort by {key!r} (sortable: {names})", "sort")
    order = column.expr.desc() if sort.startswith("-") else column.expr.asc()
    return query.order_by(order, tiebreak.desc())


def count(session: Any, query: Select[Any]) -> int:
    """How many rows `query` returns."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page_rows(
    session: Any,
    query: Select[Any],
    columns: dict[str, Column],
    sort: str,
    tiebreak: Any,
    page: int,
    page_size: int,
) -> list[Any]:
    """One sorted page of `query`."""
    ordered = apply_sort(query, columns, sort, tiebreak)
    return list(session.scalars(ordered.offset((page - 1) * page_size).limit(page_size)))


def one_page(
    session: Any,
    query: Select[Any],
    columns: dict[str, Column],
    sort: str,
    tiebreak: Any,
    page: int,
    page_size: int,
) -> tuple[list[Any], int]:
    """One sorted page of `query` and its exact total (list pages and the list API estimate
    large totals instead: kht.lists.counting)."""
    total = count(session, query)
    return page_rows(session, query, columns, sort, tiebreak, page, page_size), total
