"""The report engine: a `ReportDef` compiled to one GROUP BY over its kind's scoped list query.

A report never has SQL of its own: its dimensions, measures and filters name list columns of
its record kind (`RecordKind.columns`), and the grouped query starts from the kind's list
query (`RecordKind.query`), which applies the permission scope and the filters. So a report
shows exactly what the reader's list would count, and every cell drills down to that list
with the filters that pick the cell's records (`Cell.filters`).

Dates are bucketed by the reader's day (their time zone: 17:00 UTC on 31 March is 1 April
in Beijing), as the list's date filters read a date, so a bucket's drill-down finds the
same records on both databases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    select,
)
from sqlalchemy.orm import aliased

from kht import clock
from kht.auth.models import User
from kht.context import Ctx
from kht.errors import ValidationError
from kht.lists.engine import Column, Filter, condition, parse_filter
from kht.org.models import Department
from kht.plugin_types import (
    DERIVED_AGGREGATES,
    REPORT_AGGREGATES,
    REPORT_BUCKETS,
    RecordKind,
    ReportDef,
    ReportDimension,
    ReportMeasure,
)
from kht.web.i18n import translations

DATE_BUCKETS = ("day", "week", "month", "quarter", "year")
USER_BUCKETS = ("department", "department_tree")
NUMBER_AGGREGATES = ("sum", "avg", "min", "max")
# More groups than a page can show are cut (the largest first; dates in order).
MAX_GROUPS = 1000
CENT = Decimal("0.01")
_RELATIVE = re.compile(r"^today(?:([+-])(\d{1,4}))?$")


def resolved(ctx: Ctx, text: str) -> str:
    """A `field:op:value` filter with a relative date (`today`, `today-30`) made absolute in
    the reader's today, so the drill-down carries the same dates the report used."""
    item = parse_filter(text)
    match = _RELATIVE.match(str(item.value or ""))
    if not match:
        return text
    days = int(match.group(2) or 0) * (-1 if match.group(1) == "-" else 1)
    return f"{item.field}:{item.op}:{(ctx.today() + timedelta(days=days)).isoformat()}"


def _column(columns: dict[str, Column], key: str, param: str) -> Column:
    found = columns.get(key)
    if found is None:
        raise ValidationError(f"unknown field {key!r} ({param})", key)
    return found


def _is_user(column: Column) -> bool:
    from kht.exporting.labels import USER_COLUMNS  # imports the web app: not at start-up

    return column.key in USER_COLUMNS or (column.type == "ref" and column.key.startswith("ext."))


# ------------------------------------------------------------------------ dimensions


@dataclass
class Dim:
    """A compiled dimension: the grouped key, its label (SQL or after the query) and the
    filters that pick one key's records."""

    dimension: ReportDimension
    column: Column
    label: str
    key: Any
    label_expr: Any = None
    joins: list[tuple[Any, Any]] = field(default_factory=list)
    ordered: bool = False  # dates and ranges read in order, others largest first
    show: Any = None
    empty_label: str = "—"
    drill: Any = None

    def text(self, key: Any, label: Any) -> str:
        if key is None or key == "":
            return self.empty_label
        if label is not None:
            return str(label)
        if self.show is not None:
            return str(self.show(key))
        return str(key)


def _day_only(column: Column) -> bool:
    kind = getattr(column.expr, "type", None)
    return isinstance(kind, Date) and not isinstance(kind, DateTime)


def _local_day(ctx: Ctx, column: Column) -> Any:
    """The field's day in the reader's zone as text YYYY-MM-DD (custom dates and day
    columns are days already; stored times are UTC)."""
    expr = column.expr
    if column.key.startswith("ext."):
        return func.substr(expr, 1, 10)
    if ctx.session.get_bind().dialect.name == "postgresql":
        local = expr if _day_only(column) else func.timezone(ctx.zone.key, expr)
        return func.to_char(local, "YYYY-MM-DD")
    if _day_only(column):
        return func.substr(cast(expr, String), 1, 10)
    offset = clock.fixed_offset(ctx.zone)
    if offset is None:  # summer time: the offset depends on the instant (kht.db.engine)
        return func.kht_local_day(expr, ctx.zone.key)
    minutes = int(offset.total_seconds()) // 60
    return func.substr(func.datetime(expr, f"{minutes:+d} minutes"), 1, 10)


# PostgreSQL formats each bucket with one to_char (cheaper per row than cutting the day).
_PG_FORMATS = {
    "day": "YYYY-MM-DD",
    "month": "YYYY-MM",
    "quarter": 'YYYY-"Q"Q',
    "year": "YYYY",
}


def _date_key(ctx: Ctx, column: Column, bucket: str) -> Any:
    expr = column.expr
    if ctx.session.get_bind().dialect.name == "postgresql" and not column.key.startswith("ext."):
        local = expr if _day_only(column) else func.timezone(ctx.zone.key, expr)
        if bucket == "week":
            return func.to_char(func.date_trunc("week", local), "YYYY-MM-DD")
        return func.to_char(local, _PG_FORMATS[bucket])
    day = _local_day(ctx, column)
    if bucket == "day":
        return day
    if bucket == "month":
        return func.substr(day, 1, 7)
    if bucket == "year":
        return func.substr(day, 1, 4)
    if bucket == "quarter":
        quarter = (cast(func.substr(day, 6, 2), Integer) + 2) // 3
        return func.substr(day, 1, 4).concat("-Q").concat(cast(quarter, String))
    # week: the Monday it starts on
    if ctx.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.date_trunc("week", cast(day, Date)), "YYYY-MM-DD")
    return func.date(day, "-6 days", "weekday 1")


def date_span(bucket: str, key: str) -> tuple[date, date]:
    """The first day of a date bucket's key and the first day after it."""
    if bucket in ("day", "week"):
        first = date.fromisoformat(key)
        return first, first + timedelta(days=1 if bucket == "day" else 7)
    year = int(key[:4])
    if bucket == "year":
        return date(year, 1, 1), date(year + 1, 1, 1)
    month = int(key[5:7]) if bucket == "month" else (int(key[-1]) - 1) * 3 + 1
    after = month + (1 if bucket == "month" else 3)
    end = date(year + 1, 1, 1) if after > 12 else date(year, after, 1)
    return date(year, month, 1), end


def _range_key(column: Column, edges: tuple[Any, ...]) -> Any:
    expr = column.expr
    whens = [(expr < literal(Decimal(str(edge))), index) for index, edge in enumerate(edges)]
    return case((expr.is_(None), None), *whens, else_=len(edges))


def _range_label(edges: tuple[Any, ...], index: int) -> str:
    def shown(value: Any) -> str:
        return f"{Decimal(str(value)):,}"

    if index == 0:
        return f"< {shown(edges[0])}"
    if index >= len(edges):
        return f"≥ {shown(edges[-1])}"
    return f"{shown(edges[index - 1])} – {shown(edges[index])}"


def _range_filters(key: str, edges: tuple[Any, ...], index: int) -> list[str]:
    if index == 0:
        return [f"{key}:lt:{edges[0]}"]
    if index >= len(edges):
        return [f"{key}:gte:{edges[-1]}"]
    return [f"{key}:gte:{edges[index - 1]}", f"{key}:lt:{edges[index]}"]


def _plain_filters(column: Column, value: Any) -> list[str] | None:
    if value is None or value == "":
        return None if column.type == "boolean" else [f"{column.key}:empty"]
    if column.type == "boolean":
        return [f"{column.key}:eq:{'true' if value else 'false'}"]
    return [f"{column.key}:eq:{value}"]


def _date_dim(ctx: Ctx, dimension: ReportDimension, column: Column, label: str, bucket: str) -> Dim:
    if bucket not in DATE_BUCKETS:
        raise ValidationError(f"{column.key!r} is a date: group it by {DATE_BUCKETS}", column.key)
    week = translations(ctx.language).gettext("Week of %(day)s")

    def drill(value: Any) -> list[str] | None:
        if value is None:
            return [f"{column.key}:empty"]
        first, after = date_span(bucket, str(value))
        return [f"{column.key}:gte:{first.isoformat()}", f"{column.key}:lt:{after.isoformat()}"]

    return Dim(
        dimension,
        column,
        label,
        _date_key(ctx, column, bucket),
        ordered=True,
        show=(lambda v: week % {"day": v}) if bucket == "week" else None,
        drill=drill,
    )


def compile_dimension(
    ctx: Ctx, spec: RecordKind, columns: dict[str, Column], dimension: ReportDimension
) -> Dim:
    """One dimension as SQL, or a ValidationError naming the field it cannot group by."""
    column = _column(columns, dimension.field, "dimension")
    if column.expr is None or column.type == "multi_choice":
        raise ValidationError(f"cannot group by {column.key!r}", column.key)
    bucket = dimension.bucket
    if bucket and bucket not in REPORT_BUCKETS:
        raise ValidationError(f"unknown bucket {bucket!r} for {column.key!r}", column.key)
    label = column.label(ctx.language)
    if column.type == "date":
        return _date_dim(ctx, dimension, column, label, bucket or "month")
    if bucket in USER_BUCKETS:
        if not _is_user(column):
            raise ValidationError(f"{column.key!r} is not a user: no department", column.key)
        return _department_dim(ctx, dimension, column, label, bucket == "department_tree")
    if bucket == "range":
        if column.type != "number" or not dimension.ranges:
            raise ValidationError(f"{column.key!r}: ranges need a number and edges", column.key)
        edges = tuple(dimension.ranges)
        return Dim(
            dimension,
            column,
            label,
            _range_key(column, edges),
            ordered=True,
            show=lambda index: _range_label(edges, int(index)),
            drill=lambda v: (
                [f"{column.key}:empty"] if v is None else _range_filters(column.key, edges, int(v))
            ),
        )
    if bucket:
        raise ValidationError(f"{column.key!r} cannot be grouped by {bucket!r}", column.key)
    from kht.exporting.labels import expression, shower  # imports the web app

    # Grouped by the column itself: a label subquery may only name grouped columns on
    # PostgreSQL; empty text and NULL are one group (`empty` drills into both), see `run`.
    key = column.expr
    named = expression(ctx, spec.kind, column, raw=False)
    empty = "—"
    if column.key == "owner_id" and spec.pages is not None:
        empty = spec.pages.unowned(ctx.language) or empty
    return Dim(
        dimension,
        column,
        label,
        key,
        label_expr=None if named is column.expr else named,
        show=shower(ctx, spec.kind, column, raw=False) or _run_time_shower(ctx, spec, column),
        empty_label=empty,
        drill=lambda v: _plain_filters(column, v),
    )


def _run_time_shower(ctx: Ctx, spec: RecordKind, column: Column) -> Callable[[Any], Any] | None:
    """Labels of values known only at run time (`RecordPages.labels`, such as a pack's
    configurable tiers), as the kind's list page shows them: a group reads as its name, not
    its stored key."""
    from kht.recordpages.shown import run_time_labels

    names = run_time_labels(ctx, spec).get(column.key)
    if not names:
        return None
    return lambda value: "" if value is None else names.get(value, value)


def _department_dim(
    ctx: Ctx, dimension: ReportDimension, column: Column, label: str, tree: bool
) -> Dim:
    owner = aliased(User)
    joins: list[tuple[Any, Any]] = [(owner, owner.id == column.expr)]
    if tree:
        department, top = aliased(Department), aliased(Department)
        joins.append((department, department.id == owner.department_id))
        joins.append((top, and_(top.parent_id.is_(None), department.path.startswith(top.path))))
        key = top.id
    else:
        key = owner.department_id
    # The name by the grouped id (a join more per record cost more than one lookup a group).
    name = select(Department.name).where(Department.id == key).scalar_subquery()

    members: dict[Any, list[int]] = {}

    def drill(value: Any) -> list[str] | None:
        if value is None:
            return None  # no department: pool records and users without one (no one filter)
        if not members:  # every department's users at once: one query, not one per row
            rows = ctx.session.execute(
                select(User.id, Department.id, Department.path).join(
                    Department, Department.id == User.department_id
                )
            ).all()
            paths = {
                row[0]: row[1]
                for row in ctx.session.execute(select(Department.id, Department.path))
            }
            for user_id, department_id, path in rows:
                members.setdefault(department_id, []).append(user_id)
                if tree:
                    for top, top_path in paths.items():
                        if top != department_id and path.startswith(top_path):
                            members.setdefault(top, []).append(user_id)
        ids = sorted(set(members.get(value, [])))
        return [f"{column.key}:in:{','.join(str(i) for i in ids) or '0'}"]

    return Dim(
        dimension,
        column,
        f"{label} · {translations(ctx.language).gettext('Department')}",
        key,
        label_expr=name,
        joins=joins,
        empty_label=translations(ctx.language).gettext("No department"),
        drill=drill,
    )


# ------------------------------------------------------------------------ measures


@dataclass
class Measure:
    """A compiled measure: its SQL parts and how the parts become the shown value."""

    measure: ReportMeasure
    label: str
    parts: list[Any]
    additive: bool = True


def _conditional(columns: dict[str, Column], ctx: Ctx, texts: tuple[str, ...]) -> Any:
    if not texts:
        return None
    found = []
    for text in texts:
        item = parse_filter(resolved(ctx, text))
        column = _column(columns, item.field, "measure filter")
        found.append(condition(column, item.op, item.value, zone=ctx.zone))
    return and_(*found)


def _number(columns: dict[str, Column], key: str, agg: str) -> Column:
    column = _column(columns, key, "measure")
    if column.type != "number" or column.expr is None:
        raise ValidationError(f"{agg} needs a number or money field; {key!r} is {column.type}", key)
    return column


def _counted(
    spec: RecordKind, columns: dict[str, Column], measure: ReportMeasure, label: str, when: Any
) -> Measure:
    if measure.agg == "count" and not measure.field:
        target = spec.model.id
    else:
        column = _column(columns, measure.field, "measure")
        if column.expr is None:
            raise ValidationError(f"cannot count {column.key!r}", column.key)
        target = column.expr
    target = target if when is None else case((when, target))
    if measure.agg == "distinct":
        return Measure(measure, label, [func.count(distinct(target))], additive=False)
    return Measure(measure, label, [func.count(target)])


def compile_measure(
    ctx: Ctx,
    spec: RecordKind,
    columns: dict[str, Column],
    measure: ReportMeasure,
    earlier: dict[str, Measure],
) -> Measure:
    """One measure as SQL parts, or a ValidationError naming what it cannot aggregate."""
    agg = measure.agg
    if agg not in REPORT_AGGREGATES:
        raise ValidationError(f"unknown aggregate {agg!r}", measure.key)
    label = measure.label(ctx.language)
    if agg in DERIVED_AGGREGATES:
        for key in (measure.numerator, measure.denominator):
            if key not in earlier:
                raise ValidationError(f"ratio {measure.key!r} needs measure {key!r} first", key)
        return Measure(measure, label, [])
    when = _conditional(columns, ctx, measure.filters)
    sqlite = ctx.session.get_bind().dialect.name == "sqlite"
    if agg in ("count", "distinct"):
        return _counted(spec, columns, measure, label, when)
    column = _number(columns, measure.field, agg)
    value = column.expr
    if measure.weight:
        value = value * _number(columns, measure.weight, agg).expr / 100
    value = value if when is None else case((when, value))
    if agg in ("min", "max"):
        return Measure(measure, label, [getattr(func, agg)(value)])
    # SQLite keeps NUMERIC as floating point: sum whole cents there, exact on both.
    summed = func.sum(cast(func.round(value * 100), Integer)) if sqlite else func.sum(value)
    parts = [summed]
    if agg == "avg":
        parts.append(func.count(value))
    return Measure(measure, label, parts)


def _exact(raw: Any, sqlite: bool) -> Decimal:
    if raw is None:
        return Decimal(0)
    number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    return number / 100 if sqlite else number


def finish(measures: list[Measure], parts: list[list[Any]], sqlite: bool) -> list[Any]:
    """The shown values of one group from its raw parts (ratios from their measures)."""
    values: dict[str, Any] = {}
    shown = []
    for measure, raw in zip(measures, parts, strict=True):
        agg = measure.measure.agg
        value: Any
        if agg in ("count", "distinct"):
            value = None if raw[0] is None else int(raw[0])
        elif agg == "sum":
            value = _exact(raw[0], sqlite).quantize(CENT, rounding=ROUND_HALF_UP)
        elif agg == "avg":
            total, number = _exact(raw[0], sqlite), int(raw[1] or 0)
            value = (total / number).quantize(CENT, ROUND_HALF_UP) if number else None
        elif agg in ("min", "max"):
            value = None if raw[0] is None else _exact(raw[0], False)
        else:
            top = values.get(measure.measure.numerator)
            bottom = values.get(measure.measure.denominator)
            if top is None or not bottom:
                value = None
            elif agg == "per":
                value = (Decimal(top) / Decimal(bottom)).quantize(CENT, ROUND_HALF_UP)
            else:
                percent = Decimal(top) * 100 / Decimal(bottom)
                value = percent.quantize(Decimal("0.1"), ROUND_HALF_UP)
        values[measure.measure.key] = value
        shown.append(value)
    return shown


def combine(measures: list[Measure], groups: list[list[list[Any]]]) -> list[list[Any]]:
    """The raw parts of several groups together (a total); None where they do not add up."""
    out = []
    for index, measure in enumerate(measures):
        agg = measure.measure.agg
        columns = list(zip(*[group[index] for group in groups], strict=True)) or [
            () for _ in measure.parts
        ]
        if agg == "distinct":
            out.append([None])
        elif agg in ("min", "max"):
            values = [v for v in (columns[0] if columns else ()) if v is not None]
            out.append([(min if agg == "min" else max)(values) if values else None])
        else:
            out.append([sum(v or 0 for v in column) for column in columns])
    return out


# ------------------------------------------------------------------------ the query


@dataclass
class Compiled:
    """A report ready to run: its statement, and how to read and drill into its rows."""

    definition: ReportDef
    spec: RecordKind
    filters: list[str]
    dims: list[Dim]
    measures: list[Measure]
    statement: Select[Any]
    sqlite: bool


def compile_report(
    ctx: Ctx,
    definition: ReportDef,
    spec: RecordKind,
    extra_filters: list[str] | None = None,
) -> Compiled:
    """`definition` (with the reader's `extra_filters`) as one GROUP BY over the kind's scoped
    list query. Bad fields, buckets or aggregates are a ValidationError naming them."""
    if len(definition.dimensions) > 2:
        raise ValidationError("a report has at most two dimensions", "dimensions")
    columns = spec.columns(ctx)
    texts = [resolved(ctx, text) for text in [*definition.filters, *(extra_filters or [])]]
    filters: list[Filter] = [parse_filter(text) for text in texts]
    base = spec.query(ctx, filters=filters)
    dims = [compile_dimension(ctx, spec, columns, d) for d in definition.dimensions]
    measures: dict[str, Measure] = {}
    for item in definition.measures:
        if item.key in measures:
            raise ValidationError(f"measure {item.key!r} is given twice", item.key)
        measures[item.key] = compile_measure(ctx, spec, columns, item, measures)
    if not measures:
        raise ValidationError("a report needs a measure", "measures")
    keys = [dim.key.label(f"k{i}") for i, dim in enumerate(dims)]
    labels = [
        (dim.label_expr if dim.label_expr is not None else literal(None)).label(f"l{i}")
        for i, dim in enumerate(dims)
    ]
    parts = [
        part.label(f"m{i}_{j}")
        for i, measure in enumerate(measures.values())
        for j, part in enumerate(measure.parts)
    ]
    statement = base.with_only_columns(*keys, *labels, *parts, maintain_column_froms=True)
    for dim in dims:
        for target, onclause in dim.joins:
            statement = statement.outerjoin(target, onclause)
    grouped = [dim.key for dim in dims]
    if grouped:
        statement = statement.group_by(*grouped)
    first = next((m.parts[0] for m in measures.values() if m.parts), None)
    order: list[Any] = []
    for dim in dims:
        if not dim.ordered and first is not None and not order:
            order.append(first.desc())
        order.append(dim.key)
    if order:
        statement = statement.order_by(*order).limit(MAX_GROUPS)
    return Compiled(
        definition,
        spec,
        texts,
        dims,
        list(measures.values()),
        statement,
        ctx.session.get_bind().dialect.name == "sqlite",
    )


@dataclass
class Group:
    keys: list[Any]
    labels: list[str]
    parts: list[list[Any]]


def _key(dim: Dim, value: Any) -> Any:
    if value is None and dim.column.type in ("text", "choice") and not dim.joins:
        return ""
    return _plain(value)


def run(ctx: Ctx, compiled: Compiled) -> list[Group]:
    """The groups of a compiled report: keys, labels and raw measure parts (a NULL text
    and an empty one are the same group, as the list's `empty` filter finds both)."""
    groups: dict[tuple[Any, ...], Group] = {}
    width = len(compiled.dims)
    for row in ctx.session.execute(compiled.statement):
        values = list(row)
        keys = values[:width]
        names = values[width : 2 * width]
        rest = values[2 * width :]
        parts = []
        for measure in compiled.measures:
            parts.append(rest[: len(measure.parts)])
            rest = rest[len(measure.parts) :]
        keys = [_key(dim, key) for dim, key in zip(compiled.dims, keys, strict=True)]
        labels = [
            dim.text(key, name) for dim, key, name in zip(compiled.dims, keys, names, strict=True)
        ]
        found = groups.get(tuple(keys))
        if found is None:
            groups[tuple(keys)] = Group(keys, labels, parts)
        else:
            found.parts = combine(compiled.measures, [found.parts, parts])
    return list(groups.values())


def _plain(value: Any) -> Any:
    """A group key as JSON can carry it (Decimal keys of numbers as text)."""
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return value


def drill_filters(compiled: Compiled, keys: list[Any]) -> list[str] | None:
    """The list filters that pick the records of a group (`keys` for the first dimensions),
    or None when no filter of the list grammar can (a group of records without department)."""
    found = list(compiled.filters)
    for dim, key in zip(compiled.dims, keys, strict=False):
        more = dim.drill(key)
        if more is None:
            return None
        found += more
    return found
