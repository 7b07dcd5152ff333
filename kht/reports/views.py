"""The report catalogue (/reports) and a report's page: filter bar, chart, pivot, table,
CSV/XLSX export and drill-down; thin over kht.reports.service."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Response, Template

from kht.context import Ctx, RequestCtx
from kht.errors import KhtError
from kht.exporting.labels import choice_options
from kht.jobs.api import download
from kht.lists.engine import OPS
from kht.plugin_types import DERIVED_AGGREGATES, REPORT_BUCKETS, REPORT_CATEGORIES, REPORT_CHARTS
from kht.records import record_kinds
from kht.reports import saved, service
from kht.reports.schemas import ReportResult
from kht.web.i18n import N_, translations
from kht.web.pages import render

CHART_LABELS = {
    "bar": N_("Bars"),
    "stacked": N_("Stacked bars"),
    "line": N_("Line"),
    "pie": N_("Pie"),
    "funnel": N_("Funnel"),
    "table": N_("Table only"),
}
OP_LABELS = {
    "eq": N_("is"),
    "ne": N_("is not"),
    "contains": N_("contains"),
    "starts": N_("starts with"),
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": N_("is one of"),
    "empty": N_("is empty"),
    "not_empty": N_("is not empty"),
}
BUCKET_LABELS = {
    "day": N_("Day"),
    "week": N_("Week"),
    "month": N_("Month"),
    "quarter": N_("Quarter"),
    "year": N_("Year"),
    "department": N_("Department"),
    "department_tree": N_("Top department"),
    "range": N_("Ranges"),
}


@get("/reports", sync_to_thread=True, include_in_schema=False)
def catalogue_page(request: Request, ctx: RequestCtx) -> Template:
    """Every report the user may open, by category, with search and favourites."""
    q = str(request.query_params.get("q") or "").strip()
    reports = service.catalogue(ctx, q)
    zh = ctx.language.startswith("zh")
    sections = [
        (key, labels[0 if zh else 1], [r for r in reports if r.category == key])
        for key, labels in REPORT_CATEGORIES.items()
    ]
    return render(
        request,
        ctx,
        "reports/catalogue.html",
        q=q,
        total=len(reports),
        favourites=[r for r in reports if r.favourite],
        sections=[s for s in sections if s[2]],
    )


def _params(request: Request) -> dict[str, Any]:
    params = request.query_params
    return {
        "filters": [str(x) for x in params.getall("f", []) if str(x).strip()],
        "dimensions": [str(x) for x in params.getall("d", []) if str(x).strip()],
        "measures": [str(x) for x in params.getall("m", []) if str(x).strip()],
        "chart": str(params.get("chart") or ""),
    }


def _query(params: dict[str, Any], **more: str) -> str:
    pairs = [
        (short, v)
        for short, key in (("f", "filters"), ("d", "dimensions"), ("m", "measures"))
        for v in params[key]
    ]
    if params["chart"]:
        pairs.append(("chart", params["chart"]))
    pairs += list(more.items())
    return urlencode(pairs)


def chart_data(result: ReportResult) -> dict[str, Any]:
    """What reports.js draws: categories and series of numbers (floats: the chart only;
    the table shows the exact decimals)."""

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    pivot = result.pivot
    if pivot is not None:
        return {
            "type": result.chart,
            "categories": pivot.rows,
            "series": [
                {"name": name, "data": [number(line[index].value) for line in pivot.cells]}
                for index, name in enumerate(pivot.columns)
            ],
            "totals": [number(cell.value) for cell in pivot.row_totals],
        }
    shown = [i for i, m in enumerate(result.measures) if m.agg not in DERIVED_AGGREGATES] or [0]
    return {
        "type": result.chart,
        "categories": [" · ".join(row.labels) for row in result.rows],
        "series": [
            {
                "name": result.measures[i].label,
                "data": [number(row.values[i]) for row in result.rows],
            }
            for i in shown
        ],
        "totals": [number(row.values[shown[0]]) for row in result.rows],
    }


def _chip(ctx: Ctx, kind: str, offered: list[dict[str, Any]], text: str) -> str:
    """A filter as the reader reads it: "Stage is 目标客户" rather than `stage:eq:target`
    (`offered`: the kind's fields as `fields` gives them, with their choices' labels; values
    known only at run time, such as statuses, are named as the kind's pages name them)."""
    from kht.recordpages.shown import run_time_labels

    field, _, rest = text.partition(":")
    op, _, value = rest.partition(":")
    shown_op = translations(ctx.language).gettext(OP_LABELS[op]) if op in OP_LABELS else op
    found = next((f for f in offered if f["key"] == field), None)
    words = {
        str(k): v for k, v in run_time_labels(ctx, record_kinds(ctx)[kind]).get(field, {}).items()
    }
    if found is not None:
        words.update(dict(found["choices"]))
    if words and value:
        value = ", ".join(words.get(part, part) for part in value.split(","))
    label = found["label"] if found is not None else field
    return " ".join(part for part in (label, shown_op, value) if part)


def fields(ctx: Ctx, kind: str) -> list[dict[str, Any]]:
    """The kind's fields the user may see (kht.reports.saved.builder_columns) for the filter
    bar and the builder: key, label, type, operators and choices."""
    gettext = translations(ctx.language).gettext
    found = []
    for column in saved.builder_columns(ctx, kind).values():
        found.append(
            {
                "key": column.key,
                "label": column.label(ctx.language),
                "type": column.type,
                "ops": [(op, gettext(OP_LABELS[op])) for op in OPS[column.type]],
                "choices": [
                    (key, zh if ctx.language.startswith("zh") else en)
                    for key, zh, en in choice_options(kind, column)
                ]
                if column.choices
                else [],
                "groupable": column.expr is not None and column.type != "multi_choice",
            }
        )
    return found


@get("/reports/{key:str}", sync_to_thread=True, include_in_schema=False)
def report_page(request: Request, ctx: RequestCtx, key: FromPath[str]) -> Template | Redirect:
    """A report: its filter bar, chart, pivot (two dimensions), table and drill-down."""
    item = service.report_def(ctx, key)
    if item.url:
        return Redirect(item.url, status_code=303)
    params = _params(request)
    error, status, result = "", 200, None
    try:
        result = service.run_report(ctx, key, **params)
    except KhtError as exc:
        ctx.session.rollback()
        error, status = exc.message, exc.status
    definition = service.shaped(ctx, item) if result is None else item
    offered = fields(ctx, item.kind)
    favourite = key in service.favourites(ctx)
    own = saved.editable_id(ctx, key)
    from kht.delivery import service as delivery  # it mails reports: it imports this module

    mails = [
        s
        for s in delivery.subscriptions(ctx)
        if s.report_key == key and s.user_id == ctx.user_id and not s.role
    ]
    return render(
        request,
        ctx,
        "reports/report.html",
        status_code=status,
        item=item,
        title=definition.title(ctx.language),
        description=definition.description(ctx.language),
        result=result,
        chart=chart_data(result) if result else None,
        error=error,
        params=params,
        fixed=[
            _chip(ctx, item.kind, offered, text)
            for text in (result.filters if result else item.filters)
            if text not in params["filters"]
        ],
        chips=[(text, _chip(ctx, item.kind, offered, text)) for text in params["filters"]],
        fields=offered,
        editable=own,
        charts=CHART_LABELS,
        buckets=BUCKET_LABELS,
        all_buckets=REPORT_BUCKETS,
        chart_types=REPORT_CHARTS,
        favourite=favourite,
        mails=mails,
        frequency_labels=delivery.FREQUENCY_LABELS,
        export_csv=f"/reports/{key}/export?" + _query(params, format="csv"),
        export_xlsx=f"/reports/{key}/export?" + _query(params, format="xlsx"),
        without=lambda text: (
            f"/reports/{key}?"
            + _query({**params, "filters": [f for f in params["filters"] if f != text]})
        ),
    )


@get("/reports/{key:str}/export", sync_to_thread=True, include_in_schema=False)
def report_export(request: Request, ctx: RequestCtx, key: FromPath[str]) -> Response[bytes]:
    """The report as shown (same filters and grouping) as a CSV or .xlsx download."""
    params = _params(request)
    result = service.run_report(ctx, key, **params)
    fmt = str(request.query_params.get("format") or "csv")
    data, name = service.export_file(result, fmt, str(ctx.zone))
    return download(data, name)


@post("/reports/{key:str}/favourite", sync_to_thread=True, include_in_schema=False)
def report_favourite(
    ctx: RequestCtx,
    key: FromPath[str],
    data: URLEncodedBody[dict[str, Any]],
) -> Redirect:
    """Star or unstar a report; back to where the star was clicked."""
    service.set_favourite(ctx, key, str(data.get("favourite", "1")) == "1")
    back = str(data.get("next") or "/reports")
    return Redirect(back if back.startswith("/reports") else "/reports", status_code=303)


@get("/reports/drill/{kind:str}", sync_to_thread=True, include_in_schema=False)
def drill_page(request: Request, ctx: RequestCtx, kind: FromPath[str]) -> Template:
    """The records behind a report's cell, for a kind without a list page (actions)."""
    filters = [str(x) for x in request.query_params.getall("f", []) if str(x).strip()]
    headers, rows, total = service.drilled(ctx, kind, filters)
    spec = record_kinds(ctx)[kind]
    offered = fields(ctx, kind)
    return render(
        request,
        ctx,
        "reports/drill.html",
        title=spec.label(ctx.language),
        chips=[_chip(ctx, kind, offered, text) for text in filters],
        headers=headers,
        rows=rows,
        total=total,
    )


ROUTES = [catalogue_page, report_page, report_export, report_favourite, drill_page]
