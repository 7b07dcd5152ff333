"""Reports for readers: the catalogue, running a report in the reader's scope, favourites.

Definitions come from `kht_register_reports` (core modules and packs alike); `run_report`
compiles one to a GROUP BY over its kind's scoped list query (kht.reports.engine). The
reader may narrow it with list filters (`field:op:value`) and regroup or re-measure it
(`field[:bucket]`, `agg[:field]`), which is what a saved report will store: the same
`ReportDef` with other dimensions, measures and filters.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import msgspec
from pypinyin import lazy_pinyin
from sqlalchemy import delete, select

from kht.context import Ctx
from kht.errors import Forbidden, KhtError, NotFound, PluginError, ValidationError
from kht.plugin_types import (
    DERIVED_AGGREGATES,
    REPORT_AGGREGATES,
    REPORT_BUCKETS,
    REPORT_CATEGORIES,
    REPORT_CHARTS,
    ReportDef,
    ReportDimension,
    ReportMeasure,
)
from kht.records import record_kinds
from kht.reports import engine, saved
from kht.reports.models import ReportFavourite
from kht.reports.schemas import (
    DimensionOut,
    MeasureOut,
    Pivot,
    PivotCell,
    ReportInfo,
    ReportResult,
    ReportRow,
)
from kht.web.i18n import N_, translations

AGGREGATE_LABELS = {
    "count": N_("Count"),
    "distinct": N_("Distinct count"),
    "sum": N_("Sum"),
    "avg": N_("Average"),
    "min": N_("Minimum"),
    "max": N_("Maximum"),
    "ratio": N_("Ratio %"),
    "per": N_("Per unit"),
}


def _check(item: ReportDef, kinds: dict[str, Any]) -> None:
    """A definition's own consistency (its fields are checked when it runs, in scope)."""

    def wrong(what: str) -> PluginError:
        return PluginError(f"report {item.key!r}: {what}")

    if item.category not in REPORT_CATEGORIES:
        raise wrong(f"unknown category {item.category!r}")
    if item.chart not in REPORT_CHARTS:
        raise wrong(f"unknown chart {item.chart!r}")
    if item.url:
        if not item.module:
            raise wrong("a report page needs the permission module guarding it")
        return
    if item.kind not in kinds:
        raise wrong(f"unknown record kind {item.kind!r}")
    if not 1 <= len(item.dimensions) <= 2:
        raise wrong("one or two dimensions")
    for dimension in item.dimensions:
        if dimension.bucket and dimension.bucket not in REPORT_BUCKETS:
            raise wrong(f"unknown bucket {dimension.bucket!r}")
    for measure in item.measures:
        if measure.agg not in REPORT_AGGREGATES:
            raise wrong(f"unknown aggregate {measure.agg!r}")


def report_defs(ctx: Ctx) -> dict[str, ReportDef]:
    """Every report the enabled modules and plugins contribute, by key (checked)."""
    kinds = record_kinds(ctx)
    found: dict[str, ReportDef] = {}
    for batch in ctx.hook.kht_register_reports():
        for item in batch or []:
            if item.key in found:
                raise PluginError(f"report {item.key!r} is declared twice")
            _check(item, kinds)
            found[item.key] = item
    return found


def _module(ctx: Ctx, item: ReportDef) -> str:
    return item.module or record_kinds(ctx)[item.kind].module


def _may_open(ctx: Ctx, item: ReportDef) -> bool:
    return ctx.user is not None and ctx.user.can(_module(ctx, item), "view")


def report_def(ctx: Ctx, key: str) -> ReportDef:
    """One report the reader may open (a library report or a saved one, `saved.<id>`): 404
    when there is none, 403 without the view right."""
    if key.startswith(saved.PREFIX):
        return saved.report_def(ctx, key)
    item = report_defs(ctx).get(key)
    if item is None:
        raise NotFound(f"report {key!r} not found", "key")
    if not _may_open(ctx, item):
        raise Forbidden(f"report {key!r} needs the right to view {_module(ctx, item)}")
    return item


def find_report(ctx: Ctx, key: str) -> ReportDef | None:
    """A report by key to name it (a widget's or a mail's title): a library report, or a
    saved one (`saved.<id>`) the reader may open; None when there is none."""
    if key.startswith(saved.PREFIX):
        try:
            return saved.report_def(ctx, key)
        except KhtError:
            return None
    return report_defs(ctx).get(key)


def _reading(text: str) -> str:
    """Full pinyin and initials of a Chinese text (报价 -> "baojia bj"), for the search."""
    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables)}".lower()


def _matches(item: ReportDef, words: list[str]) -> bool:
    texts = (item.title_zh, item.title_en, item.description_zh, item.description_en, item.key)
    haystack = " ".join(texts).lower()
    haystack += " " + _reading(item.title_zh) + " " + _reading(item.description_zh)
    return all(word in haystack for word in words)


def favourites(ctx: Ctx) -> set[str]:
    """Keys of the reader's favourite reports."""
    if ctx.user is None:
        return set()
    query = select(ReportFavourite.report_key).where(ReportFavourite.user_id == ctx.user_id)
    return set(ctx.session.scalars(query))


def page_url(item: ReportDef) -> str:
    return item.url or f"/reports/{item.key}"


def catalogue(ctx: Ctx, q: str = "") -> list[ReportInfo]:
    """The reports the reader may open, by category, matching `q` (Chinese, English or
    pinyin: 客户, customer, kehu, kh); favourites are marked."""
    words = [word for word in q.lower().split() if word]
    order = list(REPORT_CATEGORIES)
    kinds = record_kinds(ctx)
    marked = favourites(ctx)
    found = [
        item
        for item in report_defs(ctx).values()
        if _may_open(ctx, item) and (not words or _matches(item, words))
    ]
    own = {} if ctx.user is None else dict(_saved_entries(ctx, words))
    found += [item for item, _ in own.values()]
    found.sort(key=lambda item: order.index(item.category))
    language = ctx.language
    zh = language.startswith("zh")
    return [
        ReportInfo(
            key=item.key,
            category=item.category,
            category_label=REPORT_CATEGORIES[item.category][0 if zh else 1],
            title=item.title(language),
            description=item.description(language),
            kind=kinds[item.kind].label(language) if item.kind in kinds else "",
            chart=item.chart,
            url=page_url(item),
            favourite=item.key in marked,
            saved=item.key in own,
            shared=item.key in own and own[item.key][1].shared,
            mine=item.key in own and own[item.key][1].owner_id == ctx.user_id,
        )
        for item in found
    ]


def _saved_entries(ctx: Ctx, words: list[str]) -> list[tuple[str, tuple[ReportDef, Any]]]:
    return [
        (item.key, (item, report))
        for report, item in saved.visible_definitions(ctx)
        if not words or _matches(item, words)
    ]


def set_favourite(ctx: Ctx, key: str, favourite: bool) -> None:
    """Mark or unmark a report the reader may open as a favourite (idempotent)."""
    report_def(ctx, key)
    mine = (ReportFavourite.user_id == ctx.user_id, ReportFavourite.report_key == key)
    ctx.session.execute(delete(ReportFavourite).where(*mine))
    if favourite:
        ctx.session.add(ReportFavourite(user_id=ctx.user_id, report_key=key))
    ctx.session.flush()


# ------------------------------------------------------------------------ running


def parse_dimension(text: str) -> ReportDimension:
    """`field`, `field:bucket` or `field:range:0,1000,5000` (a reader's regrouping)."""
    field, _, rest = text.partition(":")
    bucket, _, edges = rest.partition(":")
    ranges: tuple[Any, ...] = ()
    if edges:
        try:
            ranges = tuple(sorted(int(edge) for edge in edges.split(",") if edge.strip()))
        except ValueError:
            raise ValidationError(f"range edges of {field!r} must be numbers", field) from None
    return ReportDimension(field=field, bucket=bucket, ranges=ranges)


def parse_measure(ctx: Ctx, text: str) -> ReportMeasure:
    """`count`, `count:field`, `distinct:field`, `sum:field`, `avg:field`, ... labelled
    "Sum · Amount"."""
    agg, _, field = text.partition(":")
    if agg not in REPORT_AGGREGATES or agg in DERIVED_AGGREGATES:
        raise ValidationError(f"unknown aggregate {agg!r} (use count, distinct, sum, ...)", agg)
    if agg not in ("count",) and not field:
        raise ValidationError(f"{agg} needs a field ({agg}:field)", agg)
    label = {lang: translations(lang).gettext(AGGREGATE_LABELS[agg]) for lang in ("zh_CN", "en")}
    return ReportMeasure(
        key=f"{agg}_{field}" if field else agg,
        agg=agg,
        field=field,
        label_zh=label["zh_CN"] + (f" · {field}" if field else ""),
        label_en=label["en"] + (f" · {field}" if field else ""),
    )


def _labelled(ctx: Ctx, columns: dict[str, Any], measure: ReportMeasure) -> ReportMeasure:
    """A reader's measure labelled with its field's label rather than its key."""
    column = columns.get(measure.field)
    if column is None:
        return measure
    zh = measure.label_zh.replace(measure.field, column.label("zh_CN"))
    en = measure.label_en.replace(measure.field, column.label("en"))
    return msgspec.structs.replace(measure, label_zh=zh, label_en=en)


def shaped(
    ctx: Ctx,
    item: ReportDef,
    *,
    dimensions: list[str] | None = None,
    measures: list[str] | None = None,
    chart: str = "",
) -> ReportDef:
    """The definition as the reader regrouped it (what a saved report stores)."""
    changes: dict[str, Any] = {}
    if dimensions:
        if len(dimensions) > 2:
            raise ValidationError("at most two dimensions (rows, columns)", "d")
        changes["dimensions"] = tuple(parse_dimension(text) for text in dimensions)
    if measures:
        columns = record_kinds(ctx)[item.kind].columns(ctx)
        changes["measures"] = tuple(
            _labelled(ctx, columns, parse_measure(ctx, text)) for text in measures
        )
    if chart:
        if chart not in REPORT_CHARTS:
            raise ValidationError(
                f"unknown chart {chart!r} (use {', '.join(REPORT_CHARTS)})", "chart"
            )
        changes["chart"] = chart
    return msgspec.structs.replace(item, **changes) if changes else item


def drill_url(compiled: engine.Compiled, keys: list[Any]) -> str | None:
    """The kind's list page showing a group's records (a kind without one: the reports' own
    records page); None when no list filter can pick the group."""
    spec = compiled.spec
    filters = engine.drill_filters(compiled, keys)
    if filters is None:
        return None
    page = (
        f"/{spec.plural}"
        if spec.pages is not None and spec.plural
        else f"/reports/drill/{spec.kind}"
    )
    return f"{page}?" + urlencode([("f", text) for text in filters])


DRILL_ROWS = 200


def drilled(ctx: Ctx, kind: str, filters: list[str]) -> tuple[list[str], list[list[str]], int]:
    """The records behind a cell of a kind without a list page of its own, in the reader's
    scope: the kind's default columns as text (labels, names, local times), the newest
    `DRILL_ROWS`, and how many there are in all."""
    from kht.exporting.labels import expression, shower  # imports the web app
    from kht.lists.engine import count, parse_filter

    spec = record_kinds(ctx).get(kind)
    if spec is None or spec.query is None:
        raise NotFound(f"unknown record kind {kind!r}", "kind")
    columns = [c for c in spec.columns(ctx).values() if c.default and c.expr is not None]
    query = spec.query(ctx, filters=[parse_filter(engine.resolved(ctx, t)) for t in filters])
    total = count(ctx.session, query)
    exprs = [expression(ctx, kind, column, raw=False) for column in columns]
    shows = [shower(ctx, kind, column, raw=False) for column in columns]
    page = query.with_only_columns(*exprs).order_by(spec.model.id.desc()).limit(DRILL_ROWS)
    rows = []
    for row in ctx.session.execute(page):
        line = []
        for value, show in zip(row, shows, strict=True):
            if show is not None:
                value = show(value)
            if isinstance(value, datetime):
                value = ctx.local(value).strftime("%Y-%m-%d %H:%M")
            line.append("—" if value in (None, "") else str(value))
        rows.append(line)
    return [column.label(ctx.language) for column in columns], rows, total


def _pivot(compiled: engine.Compiled, groups: list[engine.Group]) -> Pivot:
    """The first measure of a two-dimension report as rows x columns with totals."""
    measures = compiled.measures

    def value(parts: list[list[Any]]) -> Any:
        return engine.finish(measures, parts, compiled.sqlite)[0]

    rows: dict[Any, str] = {}
    columns: dict[Any, str] = {}
    by_cell: dict[tuple[Any, Any], engine.Group] = {}
    for group in groups:
        rows.setdefault(group.keys[0], group.labels[0])
        columns.setdefault(group.keys[1], group.labels[1])
        by_cell[(group.keys[0], group.keys[1])] = group
    cells, row_totals = [], []
    for row in rows:
        line = []
        for column in columns:
            found = by_cell.get((row, column))
            line.append(
                PivotCell(value=value(found.parts), drill=drill_url(compiled, found.keys))
                if found
                else PivotCell(value=None)
            )
        cells.append(line)
        mine = [g.parts for key, g in by_cell.items() if key[0] == row]
        row_totals.append(
            PivotCell(value=value(engine.combine(measures, mine)), drill=drill_url(compiled, [row]))
        )
    column_totals = [
        value(engine.combine(measures, [g.parts for k, g in by_cell.items() if k[1] == column]))
        for column in columns
    ]
    return Pivot(
        measure=measures[0].label,
        rows=list(rows.values()),
        columns=list(columns.values()),
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=value(engine.combine(measures, [g.parts for g in groups])),
    )


def execute(ctx: Ctx, item: ReportDef, filters: list[str] | None = None) -> ReportResult:
    """Run a definition (built-in or the reader's regrouping) in the reader's scope."""
    if item.url or not item.kind:
        raise ValidationError(f"report {item.key!r} has a page of its own: {item.url}", "key")
    kinds = record_kinds(ctx)
    spec = kinds.get(item.kind)
    if spec is None:
        raise ValidationError(f"unknown record kind {item.kind!r}", "kind")
    compiled = engine.compile_report(ctx, item, spec, filters)
    groups = engine.run(ctx, compiled)
    rows = [
        ReportRow(
            keys=group.keys,
            labels=group.labels,
            values=engine.finish(compiled.measures, group.parts, compiled.sqlite),
            drill=drill_url(compiled, group.keys),
        )
        for group in groups
    ]
    total = engine.combine(compiled.measures, [group.parts for group in groups])
    pivot = _pivot(compiled, groups) if len(compiled.dims) == 2 else None
    language = ctx.language
    return ReportResult(
        key=item.key,
        title=item.title(language),
        description=item.description(language),
        kind=spec.label(language),
        chart=item.chart,
        filters=compiled.filters,
        dimensions=[
            DimensionOut(field=dim.column.key, bucket=dim.dimension.bucket, label=dim.label)
            for dim in compiled.dims
        ],
        measures=[
            MeasureOut(key=m.measure.key, label=m.label, agg=m.measure.agg)
            for m in compiled.measures
        ],
        rows=rows,
        totals=engine.finish(compiled.measures, total, compiled.sqlite),
        pivot=pivot,
        truncated=len(groups) >= engine.MAX_GROUPS,
    )


def run_report(
    ctx: Ctx,
    key: str,
    *,
    filters: list[str] | None = None,
    dimensions: list[str] | None = None,
    measures: list[str] | None = None,
    chart: str = "",
) -> ReportResult:
    """Report `key` for the reader: in their scope, narrowed by their list `filters`,
    optionally regrouped (`dimensions`) or re-measured (`measures`). An unknown field, an
    aggregate on a field that is not a number, a bad bucket is a 422 naming it; a report
    on records the reader may not view is a 403."""
    item = report_def(ctx, key)
    if item.kind and (filters or dimensions or measures):
        asked = saved.SavedReportIn(
            title="",
            kind=item.kind,
            dimensions=list(dimensions or []),
            measures=list(measures or []),
            filters=list(filters or []),
        )
        saved.check_fields(ctx, item.kind, asked)  # the reader's own: fields they may see
    item = shaped(ctx, item, dimensions=dimensions, measures=measures, chart=chart)
    return execute(ctx, item, filters)


def table(result: ReportResult) -> tuple[list[str], list[list[Any]]]:
    """The result as it is shown: headers and rows (labels, then values), for CSV/XLSX."""
    headers = [d.label for d in result.dimensions] + [m.label for m in result.measures]
    rows = [[*row.labels, *row.values] for row in result.rows]
    return headers, rows


def export_file(result: ReportResult, format: str, zone: str) -> tuple[bytes, str]:
    """What the report page shows as a CSV (UTF-8 with BOM) or .xlsx file, and its name."""
    from kht.exporting.writers import csv_chunks, write_xlsx  # imports the web app

    if format not in ("csv", "xlsx"):
        raise ValidationError("format must be csv or xlsx", "format")
    headers, rows = table(result)
    plan = SimpleNamespace(headers=headers)
    name = f"{result.title}.{format}"
    if format == "csv":
        return b"".join(csv_chunks(plan, rows, zone)), name  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="kht-report-") as folder:
        path = Path(folder) / "report.xlsx"
        write_xlsx(plan, rows, zone, path)  # type: ignore[arg-type]
        return path.read_bytes(), name


__all__ = [
    "export_file",
    "catalogue",
    "execute",
    "favourites",
    "report_def",
    "report_defs",
    "run_report",
    "set_favourite",
    "shaped",
    "table",
]
