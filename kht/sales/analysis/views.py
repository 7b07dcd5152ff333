"""Forecast and funnel pages: filters, tables and ECharts charts (vendored, no CDN)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy import select

from kht.auth.models import User
from kht.auth.permissions import require
from kht.auth.scope import owned_by_visible
from kht.context import Ctx, RequestCtx
from kht.errors import KhtError
from kht.org.models import BusinessLine, Department
from kht.sales.analysis import common
from kht.sales.analysis.forecast import forecast
from kht.sales.analysis.funnel import funnel, stage_conversion_over_time
from kht.sales.analysis.payments import payment_forecast
from kht.sales.processes.models import Process
from kht.sales.quotas import periods
from kht.sales.quotas.models import PERIODS
from kht.web.i18n import N_
from kht.web.pages import render

PERIOD_LABELS = {"month": N_("Month"), "quarter": N_("Quarter"), "year": N_("Year")}


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _num(value: Any) -> float | None:
    # Charts only: the tables show the exact decimals.
    return None if value is None else float(value)


def choices(ctx: Ctx) -> dict[str, Any]:
    """Filter choices: departments (tree order), visible owners, product lines, processes."""
    departments = list(ctx.session.execute(select(Department.id, Department.name, Department.path)))
    by_path = {row.path: row for row in departments}

    def sort_key(row: Any) -> list[str]:
        parts = [p for p in row.path.strip("/").split("/") if p]
        names = []
        for index in range(1, len(parts) + 1):
            found = by_path.get("/" + "/".join(parts[:index]) + "/")
            names.append(found.name if found else "")
        return names

    tree = [
        (row.id, "— " * (row.path.strip("/").count("/")) + row.name)
        for row in sorted(departments, key=sort_key)
    ]
    owners = ctx.session.execute(
        select(User.id, User.name)
        .where(User.active.is_(True), owned_by_visible(ctx.user, User.id, common.MODULE))
        .order_by(User.name)
    )
    lines = ctx.session.execute(
        select(BusinessLine.id, BusinessLine.name).order_by(BusinessLine.name)
    )
    processes = ctx.session.execute(
        select(Process.id, Process.name_zh, Process.name_en).order_by(
            Process.is_default.desc(), Process.id
        )
    )
    zh = ctx.language.startswith("zh")
    return {
        "departments": tree,
        "owners": [(row.id, row.name) for row in owners],
        "lines": [(row.id, row.name) for row in lines],
        "processes": [(row.id, row.name_zh if zh else row.name_en) for row in processes],
    }


def _forecast_chart(result: Any) -> dict[str, Any]:
    top = [row for row in result.rows if row.depth <= 1] or [result.total]
    return {
        "categories": [row.name for row in top],
        "quota": [_num(row.quota) for row in top],
        "won": [_num(row.won) for row in top],
        "commit": [_num(row.commit) for row in top],
        "best_case": [_num(row.best_case) for row in top],
        "weighted": [_num(row.weighted) for row in top],
    }


def _payments_chart(result: Any) -> dict[str, Any]:
    return {
        "categories": [m.label for m in result.months],
        "planned": [_num(m.planned) for m in result.months],
        "received": [_num(m.received) for m in result.months],
        "expected": [_num(m.expected) for m in result.months],
    }


@get("/forecast", sync_to_thread=True, include_in_schema=False)
def forecast_page(request: Request, ctx: RequestCtx) -> Template:
    """The forecast for a period against quota, per department (and rep), and receivables."""
    require(ctx.user, common.MODULE, "view")
    params = request.query_params
    today = ctx.today()
    period = params.get("period") if params.get("period") in PERIODS else "quarter"
    filters = {
        "period": period,
        "start": params.get("start") or periods.period_of(period, today).isoformat(),
        "department_id": _int(params.get("department_id")),
        "owner_id": _int(params.get("owner_id")),
        "product_line_id": _int(params.get("product_line_id")),
        "by_rep": params.get("by_rep") in ("1", "on", "true"),
    }
    starts = [
        (s.isoformat(), periods.label(period, s))
        for year in range(today.year - 1, today.year + 2)
        for s in periods.starts_in_year(period, year)
    ]
    error, status, result, payments = "", 200, None, None
    try:
        result = forecast(
            ctx,
            period=period,
            start=periods.parse_date(filters["start"], "start"),
            department_id=filters["department_id"],
            by_rep=filters["by_rep"],
            owner_id=filters["owner_id"],
            product_line_id=filters["product_line_id"],
        )
        if ctx.user.can("orders", "view"):
            payments = payment_forecast(ctx, periods.period_of("month", today), 6)
    except KhtError as exc:
        ctx.session.rollback()
        error, status = exc.message, exc.status
    return render(
        request,
        ctx,
        "analysis/forecast.html",
        status_code=status,
        filters=filters,
        period_labels=PERIOD_LABELS,
        starts=starts,
        result=result,
        payments=payments,
        chart=_forecast_chart(result) if result else None,
        payments_chart=_payments_chart(payments) if payments else None,
        error=error,
        **choices(ctx),
    )


@get("/funnel", sync_to_thread=True, include_in_schema=False)
def funnel_page(request: Request, ctx: RequestCtx) -> Template:
    """The funnel of a process for a date range, and stage conversion month by month."""
    require(ctx.user, common.MODULE, "view")
    params = request.query_params
    today = ctx.today()
    filters = {
        "start": params.get("start") or (today - timedelta(days=89)).isoformat(),
        "end": params.get("end") or today.isoformat(),
        "owner_id": _int(params.get("owner_id")),
        "department_id": _int(params.get("department_id")),
        "product_line_id": _int(params.get("product_line_id")),
        "process_id": _int(params.get("process_id")),
    }
    error, status, result, over_time = "", 200, None, None
    try:
        start: date = periods.parse_date(filters["start"], "start")
        end: date = periods.parse_date(filters["end"], "end")
        keys = ("owner_id", "department_id", "product_line_id", "process_id")
        chosen = {key: filters[key] for key in keys}
        result = funnel(ctx, start, end, **chosen)
        over_time = stage_conversion_over_time(ctx, start, end, **chosen)
    except KhtError as exc:
        ctx.session.rollback()
        error, status = exc.message, exc.status
    chart = None
    if result is not None and over_time is not None:
        shown = [s for s in result.stages if s.outcome != "lost"]
        chart = {
            "funnel": [{"name": s.name, "value": s.reached} for s in shown],
            "months": [m.label for m in over_time.months],
            "series": [
                {
                    "name": stage.name,
                    "data": [_num(m.stages[i].conversion) for m in over_time.months],
                }
                for i, stage in enumerate(over_time.stages)
            ],
        }
    return render(
        request,
        ctx,
        "analysis/funnel.html",
        status_code=status,
        filters=filters,
        result=result,
        over_time=over_time,
        chart=chart,
        error=error,
        **choices(ctx),
    )


ROUTES = [forecast_page, funnel_page]
