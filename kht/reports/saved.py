"""Saved reports: what users build in the report builder, run like the built-in ones.

A saved report is a `ReportDef` (key `saved.<id>`) kept in the report page's grammar:
dimensions `field[:bucket]`, measures `agg[:field]`, filters `field:op:value`. It runs
through the same engine (kht.reports.engine), scope and drill-down as a library report, and
appears in its category of the catalogue. It is its owner's unless shared; sharing needs the
Reports module's `create` right. The builder offers only the fields the user may see
(`builder_columns`): fields of a kind they may view, without references to records of a
module they may not view; naming any other field is a 422 naming it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select

from kht.auth.permissions import require
from kht.context import Ctx
from kht.errors import Conflict, Forbidden, NotFound, ValidationError
from kht.lists.engine import Column, parse_filter
from kht.plugin_types import DERIVED_AGGREGATES, REPORT_CATEGORIES, REPORT_CHARTS, ReportDef
from kht.records import record_kinds
from kht.reports import engine
from kht.reports.models import ReportFavourite, SavedReport
from kht.reports.schemas import SavedReportIn, SavedReportOut
from kht.web.i18n import translations

PREFIX = "saved."
SHARE = ("reports", "create")  # the right to share a report with everyone


def builder_columns(ctx: Ctx, kind: str) -> dict[str, Column]:
    """The fields of `kind` the user may build a report on, custom fields included: a kind
    they may view (else 403), without references to records of a module they may not view
    (an opportunity's customer for someone who may not view customers)."""
    kinds = record_kinds(ctx)
    spec = kinds.get(kind)
    if spec is None or spec.query is None or spec.columns is None:
        raise ValidationError(f"unknown record kind {kind!r}", "kind")
    require(ctx.user, spec.module, "view")
    modules = {name: other.module for name, other in kinds.items()}
    return {key: column for key, column in spec.columns(ctx).items() if _may_see(ctx, modules, key)}


def _may_see(ctx: Ctx, modules: dict[str, str], key: str) -> bool:
    referenced = modules.get(key[: -len("_id")]) if key.endswith("_id") else None
    return referenced is None or ctx.user.can(referenced, "view")


def _field_of(text: str, grammar: str) -> str:
    if grammar == "measure":
        return text.partition(":")[2]
    if grammar == "filter":
        return parse_filter(text).field
    return text.partition(":")[0]


def check_fields(ctx: Ctx, kind: str, data: SavedReportIn) -> None:
    """Every field the input names is one of the kind's, and one the user may see: else a
    422 naming it."""
    visible = builder_columns(ctx, kind)
    every = record_kinds(ctx)[kind].columns(ctx)
    named = [
        *((text, "dimension") for text in data.dimensions),
        *((text, "measure") for text in data.measures),
        *((text, "filter") for text in data.filters),
    ]
    for text, grammar in named:
        key = _field_of(text, grammar)
        if not key or key in visible:
            continue
        if key in every:
            raise ValidationError(f"you may not see the field {key!r} ({grammar})", key)
        raise ValidationError(f"unknown field {key!r} ({grammar})", key)


def definition(ctx: Ctx, data: SavedReportIn, key: str = f"{PREFIX}new") -> ReportDef:
    """The input as a report definition, checked: fields the user may see, one or two
    dimensions, aggregates on numbers, a known chart and category (422s naming them)."""
    from kht.reports.service import parse_dimension, parse_measure, shaped

    check_fields(ctx, data.kind, data)
    if not 1 <= len(data.dimensions) <= 2:
        raise ValidationError("a report groups by one or two fields", "dimensions")
    if data.chart not in REPORT_CHARTS:
        raise ValidationError(f"unknown chart {data.chart!r}", "chart")
    category = data.category or default_category(data.kind)
    if category not in REPORT_CATEGORIES:
        raise ValidationError(f"unknown category {category!r}", "category")
    for text in data.dimensions:
        parse_dimension(text)
    for text in data.measures or ["count"]:
        parse_measure(ctx, text)
    item = shaped(
        ctx,
        _plain_def(key, category, data),
        dimensions=data.dimensions,
        measures=data.measures or ["count"],
        chart=data.chart,
    )
    # compiled once: every field, bucket and aggregate is one the engine can run
    engine.compile_report(ctx, item, record_kinds(ctx)[data.kind])
    return item


def default_category(kind: str) -> str:
    """The catalogue category a kind's reports go in unless the user picks one."""
    plural = {"opportunity": "opportunities", "pool": "pool"}.get(kind, f"{kind}s")
    return plural if plural in REPORT_CATEGORIES else "customers"


def input_of(report: SavedReport) -> SavedReportIn:
    """A saved report as the builder's input (to edit it)."""
    return SavedReportIn(
        title=report.title,
        description=report.description,
        kind=report.kind,
        category=report.category,
        dimensions=list(report.dimensions),
        measures=list(report.measures),
        filters=list(report.filters),
        chart=report.chart,
        shared=report.shared,
    )


def _visible(ctx: Ctx) -> Any:
    return or_(SavedReport.owner_id == ctx.user_id, SavedReport.shared)


def get_saved(ctx: Ctx, report_id: int) -> SavedReport:
    """A saved report the user may open: their own, or a shared one on a kind they may view
    (403 when they may not); someone else's private report is not found (404)."""
    report = ctx.session.get(SavedReport, report_id)
    if report is None or not (report.owner_id == ctx.user_id or report.shared):
        raise NotFound(f"report {PREFIX}{report_id} not found", "key")
    spec = record_kinds(ctx).get(report.kind)
    if spec is None:  # its pack was disabled: the report waits for it
        raise NotFound(f"report {PREFIX}{report_id} not found", "key")
    if not (ctx.user and ctx.user.can(spec.module, "view")):
        raise Forbidden(f"report {PREFIX}{report_id} needs the right to view {spec.module}")
    return report


def report_def(ctx: Ctx, key: str) -> ReportDef:
    """The definition behind `saved.<id>`, checked for the reader (a shared report naming a
    field the reader may not see is a 422 naming it)."""
    try:
        report_id = int(key[len(PREFIX) :])
    except ValueError:
        raise NotFound(f"report {key!r} not found", "key") from None
    report = get_saved(ctx, report_id)
    return definition(ctx, input_of(report), key=f"{PREFIX}{report.id}")


def visible_definitions(ctx: Ctx) -> list[tuple[SavedReport, ReportDef]]:
    """The saved reports the user may open (own and shared ones on kinds they may view), as
    definitions, for the catalogue; one the reader cannot run is left out."""
    kinds = record_kinds(ctx)
    found = []
    query = select(SavedReport).where(_visible(ctx)).order_by(SavedReport.title)
    for report in ctx.session.scalars(query):
        spec = kinds.get(report.kind)
        if spec is None or not ctx.user.can(spec.module, "view"):
            continue
        found.append((report, _plain_def(f"{PREFIX}{report.id}", report.category, report)))
    return found


def _plain_def(key: str, category: str, data: SavedReport | SavedReportIn) -> ReportDef:
    """A saved report's (or the builder's) title, kind, filters and chart as a definition
    without dimensions (the catalogue's view; `definition` adds and checks the rest)."""
    return ReportDef(
        key=key,
        category=category,
        title_zh=data.title,
        title_en=data.title,
        description_zh=data.description,
        description_en=data.description,
        kind=data.kind,
        filters=tuple(data.filters),
        chart=data.chart,
    )


def _check_share(ctx: Ctx, shared: bool) -> None:
    if shared and not ctx.user.can(*SHARE):
        raise Forbidden("sharing a report needs the right to create reports")


def _title(data: SavedReportIn) -> None:
    if not data.title.strip() or len(data.title.strip()) > 100:
        raise ValidationError("a report's title is 1 to 100 characters", "title")


def create_saved(ctx: Ctx, data: SavedReportIn) -> SavedReport:
    """Save the builder's report (private, or shared given the right)."""
    _title(data)
    _check_share(ctx, data.shared)
    item = definition(ctx, data)
    report = SavedReport(owner_id=ctx.user_id, **_columns(data, item))
    ctx.session.add(report)
    ctx.session.flush()
    return report


def _columns(data: SavedReportIn, item: ReportDef) -> dict[str, Any]:
    return {
        "title": data.title.strip(),
        "description": data.description.strip(),
        "category": item.category,
        "kind": data.kind,
        "dimensions": list(data.dimensions),
        "measures": list(data.measures or ["count"]),
        "filters": list(data.filters),
        "chart": data.chart,
        "shared": data.shared,
    }


def changeable(ctx: Ctx, report_id: int) -> SavedReport:
    """A saved report the user may change: their own (an administrator of reports may change
    shared ones too)."""
    report = get_saved(ctx, report_id)
    if report.owner_id != ctx.user_id and not ctx.user.can("reports", "admin"):
        raise Forbidden("only its owner may change this report")
    return report


def update_saved(ctx: Ctx, report_id: int, data: SavedReportIn, version: int) -> SavedReport:
    """Change a saved report; `version` is the one the user edited (409 when stale)."""
    report = changeable(ctx, report_id)
    if report.version != version:
        raise Conflict("the report was changed meanwhile: reload it", "version")
    _title(data)
    if data.shared and not report.shared:
        _check_share(ctx, True)
    item = definition(ctx, data, key=f"{PREFIX}{report.id}")
    for name, value in _columns(data, item).items():
        setattr(report, name, value)
    ctx.session.flush()
    return report


def delete_saved(ctx: Ctx, report_id: int) -> None:
    """Delete a saved report (its owner, or an administrator of reports)."""
    report = changeable(ctx, report_id)
    starred = ReportFavourite.report_key == f"{PREFIX}{report.id}"
    ctx.session.execute(delete(ReportFavourite).where(starred))
    ctx.session.delete(report)
    ctx.session.flush()


def copy_report(ctx: Ctx, key: str) -> SavedReport:
    """A private copy of any report the user may open (a library report or a saved one),
    which they may then change."""
    from kht.reports.service import report_def as any_report

    item = any_report(ctx, key)
    if item.url:
        raise ValidationError(f"report {key!r} has a page of its own and cannot be copied", "key")
    copied = translations(ctx.language).gettext("%(title)s (copy)") % {
        "title": item.title(ctx.language)
    }
    data = SavedReportIn(
        title=copied[:100],
        description=item.description(ctx.language)[:500],
        kind=item.kind,
        category=item.category,
        dimensions=[_dimension_text(d) for d in item.dimensions],
        measures=list(dict.fromkeys(_measure_text(m) for m in item.measures)),
        filters=list(item.filters),
        chart=item.chart,
    )
    return create_saved(ctx, data)


def _dimension_text(dimension: Any) -> str:
    text = dimension.field + (f":{dimension.bucket}" if dimension.bucket else "")
    if dimension.ranges:
        text += ":" + ",".join(str(edge) for edge in dimension.ranges)
    return text


def _measure_text(measure: Any) -> str:
    """A library measure in the builder's grammar (`agg[:field]`); a weighted, conditional
    or ratio measure has none, so the copy counts instead."""
    if measure.agg in DERIVED_AGGREGATES or measure.weight or measure.filters:
        return "count"
    return measure.agg + (f":{measure.field}" if measure.field else "")


def visible_saved(ctx: Ctx) -> list[SavedReport]:
    """The user's own saved reports and everyone's shared ones they may open."""
    return [report for report, _ in visible_definitions(ctx)]


def saved_out(ctx: Ctx, report: SavedReport) -> SavedReportOut:
    """A saved report as the API shows it."""
    return SavedReportOut(
        id=report.id,
        key=f"{PREFIX}{report.id}",
        url=f"/reports/{PREFIX}{report.id}",
        owner_id=report.owner_id,
        mine=report.owner_id == ctx.user_id,
        version=report.version,
        **{name: getattr(report, name) for name in SavedReportIn.__struct_fields__},
    )


def editable_id(ctx: Ctx, key: str) -> int | None:
    """The id of saved report `key` when the user may change it (for its page's buttons)."""
    number = key[len(PREFIX) :]
    if not key.startswith(PREFIX) or not number.isdigit():
        return None
    report = ctx.session.get(SavedReport, int(number))
    if report is None:
        return None
    if report.owner_id == ctx.user_id or ctx.user.can("reports", "admin"):
        return report.id
    return None


def may_share(ctx: Ctx) -> bool:
    """Whether the user may share the reports they build."""
    return ctx.user is not None and ctx.user.can(*SHARE)
