"""The pack's pages and JSON API: settings, reports (with charts and the funnel of a product
line) and rep performance; thin over service, reports and performance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec
from litestar import Request, get, post, put
from litestar.params import FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect, Template

from kht.actions.service import TYPE_LABELS as ACTION_TYPE_LABELS
from kht.plugin_api import N_, Forbidden, NotFound, RequestCtx, ValidationError, render
from kht.products.service import line_names
from kht.sales.analysis.service import funnel
from kht.value.service import active_users
from plugins.standard_product import fields, reports, service
from plugins.standard_product.performance import (
    Performance,
    check_range,
    parse_day,
    period_range,
    rep_performance,
)
from plugins.standard_product.schemas import Settings

URL = "/standard_product/settings"
NOTICES = {"saved": N_("The lead scoring settings have been saved.")}
TARGETS = (  # (settings list, title, the field whose choices it lists)
    ("target_industries", N_("Industries"), fields.INDUSTRY),
    ("target_sizes", N_("Company sizes"), fields.COMPANY_SIZE),
    ("target_timeframes", N_("Purchase timeframes"), fields.TIMEFRAME),
    ("target_budgets", N_("Budget ranges"), fields.BUDGET),
    ("target_products", N_("Product interest"), fields.PRODUCT_INTEREST),
)


def _many(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    return [
        str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()
    ]


def _one(data: dict[str, Any], key: str) -> str:
    values = _many(data, key)
    return values[-1] if values else ""


def _ids(values: list[str], field: str) -> list[int]:
    if not all(v.isdigit() for v in values):
        raise ValidationError("choose users from the list", field)
    return [int(v) for v in values]


def form_settings(data: dict[str, Any]) -> Settings:
    """The submitted form as settings (the same checks as the API's PUT)."""
    threshold = _one(data, "threshold")
    if not threshold.isdigit():
        raise ValidationError("the threshold must be a whole number from 0 to 100", "threshold")
    territories = {}
    for province in fields.PROVINCES:
        chosen = _one(data, f"territory.{province}")
        if chosen:
            territories[province] = _ids([chosen], "territories")[0]
    values = {
        **{name: _many(data, name) for name, _, _ in TARGETS},
        "threshold": int(threshold),
        "nurture_tag": _one(data, "nurture_tag"),
        "routing": _one(data, "routing") or "none",
        "reps": _ids(_many(data, "reps"), "reps"),
        "territories": territories,
    }
    revenue_target = _one(data, "revenue_target").replace(",", "")
    if revenue_target:
        values["revenue_target"] = revenue_target
    return _convert(values)


def _convert(values: Any) -> Settings:
    try:
        return msgspec.convert(values, Settings)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = (
            message.split("$.", 1)[1].split("`", 1)[0].split("[", 1)[0] if "$." in message else None
        )
        raise ValidationError(message, field or "settings") from None


def _page(request: Request, ctx: RequestCtx, settings: Settings, **values: Any) -> Template:
    if not service.can_manage(ctx):
        raise Forbidden("only an administrator of the standard product pack may change this")
    return render(
        request,
        ctx,
        "standard_product/settings.html",
        settings=settings,
        targets=TARGETS,
        provinces=fields.PROVINCES,
        users=active_users(ctx),
        notice=NOTICES.get(request.query_params.get("done", "")),
        fit_points=service.FIT_POINTS,
        action_points=service.ACTION_POINTS,
        action_labels=dict(ACTION_TYPE_LABELS),
        **values,
    )


@get(URL, sync_to_thread=True, include_in_schema=False)
def settings_page(request: Request, ctx: RequestCtx) -> Template:
    """The target profile, nurture threshold and routing rule."""
    return _page(request, ctx, service.get_settings(ctx))


@post(URL, sync_to_thread=True, include_in_schema=False)
def save_settings_page(
    request: Request, ctx: RequestCtx, data: URLEncodedBody[dict]
) -> Template | Redirect:
    try:
        service.save_settings(ctx, form_settings(data))
    except ValidationError as exc:
        ctx.session.rollback()
        shown = service.get_settings(ctx)
        return _page(
            request, ctx, shown, status_code=exc.status, error=exc.message, field=exc.field
        )
    return Redirect(f"{URL}?done=saved", status_code=303)


@get("/api/v1/standard_product/settings", sync_to_thread=True, tags=["standard_product"])
def settings_api(ctx: RequestCtx) -> Settings:
    """The pack's settings (administrators of the pack)."""
    if not service.can_manage(ctx):
        raise Forbidden("only an administrator of the standard product pack may read this")
    return service.get_settings(ctx)


@put("/api/v1/standard_product/settings", sync_to_thread=True, tags=["standard_product"])
def save_settings_api(ctx: RequestCtx, data: JSONBody[dict[str, Any]]) -> Settings:
    """Replace the pack's settings; a bad value is a 422 naming its field."""
    return service.save_settings(ctx, _convert(data))


# ---- reports ---------------------------------------------------------------------------------


def _days(value: str | None) -> int:
    text = (value or "30").strip()
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise ValidationError("days must be a whole number from 1 to 3650", "days")
    return int(text)


def _section(build: Any) -> Any:
    """A report the user may not see (no view right on its module) is left out, not a 403."""
    try:
        return build()
    except Forbidden:
        return None


def _num(value: Any) -> float | None:
    """A figure for a chart (ECharts wants numbers; the tables show the exact decimals)."""
    return None if value is None else float(value)


def _int(value: str | None, field: str) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError(f"{field} must be a whole number", field)
    return int(text)


def report_charts(sources: Any, lines: Any, reps: Any) -> dict[str, Any]:
    """The series of the three report charts (None for a report the user may not see)."""
    return {
        "sources": None
        if sources is None
        else {
            "names": [row.source for row in sources],
            "leads": [row.leads for row in sources],
            "converted": [row.converted for row in sources],
            "rate": [_num(row.conversion_rate) for row in sources],
        },
        "lines": None
        if lines is None
        else {
            "names": [row.product_line for row in lines],
            "quotes": [row.quotes for row in lines],
            "accepted": [row.accepted for row in lines],
            "rate": [_num(row.win_rate) for row in lines],
        },
        "reps": None
        if reps is None
        else {
            "names": [row.name for row in reps],
            "actions": [row.actions for row in reps],
            "won": [row.won for row in reps],
            "amount": [_num(row.won_amount) for row in reps],
        },
    }


def line_funnel(ctx: RequestCtx, params: Any) -> dict[str, Any] | None:
    """The core funnel (kht.sales.analysis.service) for the chosen product line and days;
    None when the user may not view opportunities. Bad dates or line: 422 naming the field."""
    if ctx.user is None or not ctx.user.can("opportunities", "view"):
        return None
    last = ctx.today()
    end = parse_day(params.get("funnel_end"), "funnel_end") if params.get("funnel_end") else last
    start = (
        parse_day(params.get("funnel_start"), "funnel_start")
        if params.get("funnel_start")
        else end - timedelta(days=89)
    )
    line_id = _int(params.get("product_line_id"), "product_line_id")
    names = line_names(ctx)
    if line_id is not None and line_id not in names:
        raise ValidationError(f"product line {line_id} does not exist", "product_line_id")
    try:
        result = funnel(ctx, start, end, product_line_id=line_id)
    except NotFound:  # no sales process yet: nothing to draw
        result = None
    stages = [s for s in result.stages if s.outcome != "lost"] if result is not None else []
    return {
        "start": start,
        "end": end,
        "line_id": line_id,
        "lines": sorted(names.items(), key=lambda item: item[1]),
        "result": result,
        "chart": [{"name": s.name, "value": s.reached} for s in stages],
    }


@get("/standard_product/reports", sync_to_thread=True, include_in_schema=False)
def reports_page(request: Request, ctx: RequestCtx) -> Template:
    """Lead source quality, quote win rate by product line, rep activity vs results, each
    with its chart, and the funnel of a chosen product line."""
    if ctx.user is None or not ctx.user.can("leads", "view"):
        raise Forbidden("your role may not view leads")
    days = _days(request.query_params.get("days"))
    sources = _section(lambda: reports.lead_source_quality(ctx))
    lines = _section(lambda: reports.quote_win_rate(ctx))
    reps = _section(lambda: reports.rep_activity(ctx, days))
    return render(
        request,
        ctx,
        "standard_product/reports.html",
        days=days,
        threshold=service.get_settings(ctx).threshold,
        sources=sources,
        lines=lines,
        reps=reps,
        charts=report_charts(sources, lines, reps),
        line_funnel=_section(lambda: line_funnel(ctx, request.query_params)),
    )


# ---- rep performance ----------------------------------------------------------------------


def performance_range(ctx: RequestCtx, params: Any) -> tuple[str, date, date]:
    """The period asked for: `start` and `end` (custom), or `period` (month, quarter, year)
    around the day `on` (default today); by default the current month."""
    period = (params.get("period") or "").strip()
    if period == "custom" or (not period and (params.get("start") or params.get("end"))):
        start, end = parse_day(params.get("start"), "start"), parse_day(params.get("end"), "end")
        check_range(start, end)
        return "custom", start, end
    period = period or "month"
    on = parse_day(params.get("on"), "on") if params.get("on") else ctx.today()
    start, end = period_range(period, on)
    return period, start, end


def performance_chart(report: Performance) -> dict[str, Any]:
    """Revenue (bars) against quota (a line) per rep."""
    return {
        "names": [row.name for row in report.reps],
        "revenue": [_num(row.revenue) for row in report.reps],
        "quota": [_num(row.quota) for row in report.reps],
    }


def _require_sales_view(ctx: RequestCtx) -> None:
    if ctx.user is None or not ctx.user.can("opportunities", "view"):
        raise Forbidden("your role may not view opportunities")


@get("/standard_product/performance", sync_to_thread=True, include_in_schema=False)
def performance_page(request: Request, ctx: RequestCtx) -> Template:
    """Per rep and period: leads, actions by type, quotes and win rate, revenue against quota
    (with its chart), deals won and the average cycle."""
    _require_sales_view(ctx)
    params = request.query_params
    period, start, end = performance_range(ctx, params)
    department_id = _int(params.get("department_id"), "department_id")
    report = rep_performance(ctx, start, end, department_id)
    step = {"month": 1, "quarter": 3, "year": 12}.get(period)
    return render(
        request,
        ctx,
        "standard_product/performance.html",
        period=period,
        report=report,
        chart=performance_chart(report),
        types=sorted({t for row in report.reps for t in (row.actions or {})}),
        previous=period_range(period, start - timedelta(days=1))[0] if step else None,
        following=end + timedelta(days=1) if step else None,
        department_id=department_id,
    )


@get("/api/v1/standard_product/rep-performance", sync_to_thread=True, tags=["standard_product"])
def rep_performance_api(
    ctx: RequestCtx,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    department_id: FromQuery[str] = "",
) -> Performance:
    """Per rep in your scope from `start` to `end` (YYYY-MM-DD, both included; default the
    current month): leads, actions by type, quotes sent and win rate, revenue against quota,
    deals won and the average sales cycle in days. `department_id` narrows the reps to one
    department and its sub-departments. A bad date is a 422 naming it."""
    _require_sales_view(ctx)
    if start or end:
        first, last = parse_day(start, "start"), parse_day(end, "end")
    else:
        first, last = period_range("month", ctx.today())
    return rep_performance(ctx, first, last, _int(department_id, "department_id"))


@get(
    "/api/v1/standard_product/reports/lead-sources", sync_to_thread=True, tags=["standard_product"]
)
def lead_sources_api(ctx: RequestCtx) -> list[reports.SourceRow]:
    """Lead source quality over the leads in your scope."""
    return reports.lead_source_quality(ctx)


@get(
    "/api/v1/standard_product/reports/quote-win-rate",
    sync_to_thread=True,
    tags=["standard_product"],
)
def quote_win_rate_api(ctx: RequestCtx) -> list[reports.LineRow]:
    """Quote win rate by product line over the quotes in your scope."""
    return reports.quote_win_rate(ctx)


@get(
    "/api/v1/standard_product/reports/rep-activity", sync_to_thread=True, tags=["standard_product"]
)
def rep_activity_api(ctx: RequestCtx, days: FromQuery[str] = "30") -> list[reports.RepRow]:
    """Per owner in your scope: done actions, new leads and wins over the last `days`."""
    return reports.rep_activity(ctx, _days(days))


ROUTES = [
    settings_page,
    save_settings_page,
    settings_api,
    save_settings_api,
    reports_page,
    lead_sources_api,
    quote_win_rate_api,
    rep_activity_api,
    performance_page,
    rep_performance_api,
]
