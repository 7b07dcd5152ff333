"""The report builder's pages (/reports/builder): pick a kind, rows and columns, measures,
filters and a chart, preview, save; copy and delete. Thin over kht.reports.saved."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kht.context import Ctx, RequestCtx
from kht.errors import Forbidden, KhtError, ValidationError
from kht.plugin_types import REPORT_CATEGORIES, REPORT_CHARTS
from kht.records import record_kinds
from kht.reports import saved, service
from kht.reports.models import SavedReport
from kht.reports.schemas import SavedReportIn
from kht.reports.service import AGGREGATE_LABELS
from kht.reports.views import BUCKET_LABELS, CHART_LABELS, chart_data, fields
from kht.web.i18n import translations
from kht.web.pages import render


def _kinds(ctx: Ctx) -> list[tuple[str, str]]:
    """The kinds the user may build reports on, with their labels."""
    return [
        (kind, spec.label(ctx.language))
        for kind, spec in record_kinds(ctx).items()
        if spec.query is not None
        and spec.columns is not None
        and ctx.user is not None
        and ctx.user.can(spec.module, "view")
    ]


def _many(data: dict[str, Any], name: str) -> list[str]:
    raw = data.get(name)
    values = raw if isinstance(raw, list) else [raw]
    return [str(value).strip() for value in values if value is not None and str(value).strip()]


def _draft(data: dict[str, Any]) -> SavedReportIn:
    """The builder's form as the builder's input (empty slots left out)."""
    return SavedReportIn(
        title=str(data.get("title") or "").strip(),
        description=str(data.get("description") or "").strip(),
        kind=str(data.get("kind") or "customer"),
        category=str(data.get("category") or ""),
        dimensions=_many(data, "rows") + _many(data, "columns"),
        measures=_many(data, "m") or ["count"],
        filters=_many(data, "f"),
        chart=str(data.get("chart") or "bar"),
        shared=str(data.get("shared") or "") in ("1", "on", "true"),
    )


def _page(
    request: Request,
    ctx: Ctx,
    draft: SavedReportIn,
    report: SavedReport | None,
    *,
    preview: bool = False,
    error: KhtError | None = None,
) -> Template:
    result = None
    if preview and error is None:
        try:
            result = service.execute(ctx, saved.definition(ctx, draft))
        except KhtError as exc:
            ctx.session.rollback()
            error = exc
    offered = fields(ctx, draft.kind)
    zh = ctx.language.startswith("zh")
    gettext = translations(ctx.language).gettext
    return render(
        request,
        ctx,
        "reports/builder.html",
        status_code=error.status if error else 200,
        draft=draft,
        report=report,
        kinds=_kinds(ctx),
        categories=[(key, labels[0 if zh else 1]) for key, labels in REPORT_CATEGORIES.items()],
        category=draft.category or saved.default_category(draft.kind),
        fields=offered,
        measure_options=_measure_options(offered, gettext),
        charts=CHART_LABELS,
        chart_types=REPORT_CHARTS,
        buckets=BUCKET_LABELS,
        may_share=saved.may_share(ctx),
        error=error.message if error else "",
        error_field=error.field if error else "",
        result=result,
        chart=chart_data(result) if result else None,
        title=draft.title or gettext("New report"),
    )


def _measure_options(offered: list[dict[str, Any]], gettext: Any) -> list[tuple[str, str]]:
    """What a measure slot offers: the count, then each aggregate of each field it fits."""
    options = [("count", gettext("Count"))]
    for field in offered:
        if not field["groupable"]:
            continue
        aggs = ["distinct"] + (["sum", "avg", "min", "max"] if field["type"] == "number" else [])
        options += [
            (f"{agg}:{field['key']}", f"{gettext(AGGREGATE_LABELS[agg])} · {field['label']}")
            for agg in aggs
        ]
    return options


@get("/reports/builder", sync_to_thread=True, include_in_schema=False)
def builder_page(request: Request, ctx: RequestCtx, kind: FromQuery[str] = "") -> Template:
    """A new report: the first kind the user may view unless one is asked for."""
    kinds = [key for key, _ in _kinds(ctx)]
    if not kinds:
        raise Forbidden("there are no records you may view to report on")
    chosen = kind if kind in kinds else ("customer" if "customer" in kinds else kinds[0])
    draft = SavedReportIn(title="", kind=chosen, dimensions=[])
    return _page(request, ctx, draft, None)


@get("/reports/builder/{report_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_page(request: Request, ctx: RequestCtx, report_id: FromPath[int]) -> Template:
    """A saved report in the builder, to change (its owner) and preview."""
    report = saved.changeable(ctx, report_id)
    return _page(request, ctx, saved.input_of(report), report, preview=True)


@post("/reports/builder", sync_to_thread=True, include_in_schema=False)
def builder_post(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]
) -> Template | Redirect:
    """Preview (`action=preview`) or save a new report; the form again with the error."""
    return _submit(request, ctx, data, None)


@post("/reports/builder/{report_id:int}", sync_to_thread=True, include_in_schema=False)
def edit_post(
    request: Request,
    ctx: RequestCtx,
    report_id: FromPath[int],
    data: URLEncodedBody[dict[str, Any]],
) -> Template | Redirect:
    """Preview or save changes to a saved report."""
    return _submit(request, ctx, data, saved.changeable(ctx, report_id))


def _submit(
    request: Request, ctx: Ctx, data: dict[str, Any], report: SavedReport | None
) -> Template | Redirect:
    draft = _draft(data)
    if str(data.get("action") or "") != "save":
        return _page(request, ctx, draft, report, preview=True)
    try:
        if report is None:
            report = saved.create_saved(ctx, draft)
        else:
            version = _version(data)
            report = saved.update_saved(ctx, report.id, draft, version)
    except KhtError as exc:
        ctx.session.rollback()
        return _page(request, ctx, draft, report, error=exc)
    return Redirect(f"/reports/{saved.PREFIX}{report.id}", status_code=303)


def _version(data: dict[str, Any]) -> int:
    try:
        return int(str(data.get("version") or ""))
    except ValueError:
        raise ValidationError("the version of the report edited is missing", "version") from None


@post("/reports/{key:str}/copy", sync_to_thread=True, include_in_schema=False)
def copy_post(ctx: RequestCtx, key: FromPath[str]) -> Redirect:
    """Copy any report into a private saved one, opened in the builder."""
    report = saved.copy_report(ctx, key)
    return Redirect(f"/reports/builder/{report.id}", status_code=303)


@post("/reports/builder/{report_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_post(ctx: RequestCtx, report_id: FromPath[int]) -> Redirect:
    """Delete a saved report; back to the catalogue."""
    saved.delete_saved(ctx, report_id)
    return Redirect("/reports", status_code=303)


ROUTES = [builder_page, edit_page, builder_post, edit_post, copy_post, delete_post]
