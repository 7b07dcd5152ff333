"""Forecast and funnel JSON API: thin controllers over kht.sales.analysis services.

Dates are query parameters in YYYY-MM-DD; a malformed one is a 422 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from kht.context import RequestCtx
from kht.sales.analysis.forecast import forecast
from kht.sales.analysis.funnel import funnel, stage_conversion_over_time
from kht.sales.analysis.payments import payment_forecast
from kht.sales.analysis.schemas import ConversionOverTime, Forecast, Funnel, PaymentForecast
from kht.sales.quotas.periods import parse_date


def optional_date(text: str, field: str) -> date | None:
    return parse_date(text, field) if text.strip() else None


def date_range(ctx: RequestCtx, start: str, end: str) -> tuple[date, date]:
    """The days asked for; by default the last 90 days up to today."""
    last = optional_date(end, "end") or ctx.today()
    first = optional_date(start, "start") or last - timedelta(days=89)
    return first, last


class ForecastController(Controller):
    path = "/api/v1/forecast"
    tags = ["forecast"]

    @get("/", sync_to_thread=True)
    def get_forecast(
        self,
        ctx: RequestCtx,
        period: FromQuery[str] = "quarter",
        start: FromQuery[str] = "",
        department_id: FromQuery[int | None] = None,
        owner_id: FromQuery[int | None] = None,
        product_line_id: FromQuery[int | None] = None,
        by_rep: FromQuery[bool] = False,
    ) -> Forecast:
        """Weighted pipeline, commit, best case, won and quota of a month, quarter or year
        (`start`: its first day, default the current one) per department, rolled up."""
        return forecast(
            ctx,
            period=period,
            start=optional_date(start, "start"),
            department_id=department_id,
            by_rep=by_rep,
            owner_id=owner_id,
            product_line_id=product_line_id,
        )

    @get("/payments", sync_to_thread=True)
    def get_payment_forecast(
        self, ctx: RequestCtx, start: FromQuery[str] = "", months: FromQuery[int] = 6
    ) -> PaymentForecast:
        """Receivables expected per month from order payment plans, minus payments received."""
        return payment_forecast(ctx, optional_date(start, "start"), months)


@dataclass(frozen=True)
class FunnelQuery:
    """The funnel's and the conversion's shared parameters, read once for both."""

    start: date
    end: date
    options: dict[str, int | None]


def funnel_query(
    ctx: RequestCtx,
    start: FromQuery[str] = "",
    end: FromQuery[str] = "",
    owner_id: FromQuery[int | None] = None,
    department_id: FromQuery[int | None] = None,
    product_line_id: FromQuery[int | None] = None,
    process_id: FromQuery[int | None] = None,
) -> FunnelQuery:
    first, last = date_range(ctx, start, end)
    options = {
        "owner_id": owner_id,
        "department_id": department_id,
        "product_line_id": product_line_id,
        "process_id": process_id,
    }
    return FunnelQuery(start=first, end=last, options=options)


class FunnelController(Controller):
    path = "/api/v1/funnel"
    tags = ["funnel"]
    dependencies = {"chosen": Provide(funnel_query, sync_to_thread=False)}

    @get("/", sync_to_thread=True)
    def get_funnel(self, ctx: RequestCtx, chosen: NamedDependency[FunnelQuery]) -> Funnel:
        """Per stage: entered in the period, went further (conversion %), in it now, average
        days in it. Default period: the last 90 days."""
        return funnel(ctx, chosen.start, chosen.end, **chosen.options)

    @get("/conversion", sync_to_thread=True)
    def get_conversion(
        self, ctx: RequestCtx, chosen: NamedDependency[FunnelQuery]
    ) -> ConversionOverTime:
        """Stage-to-next conversion per month of entry (at most 36 months)."""
        return stage_conversion_over_time(ctx, chosen.start, chosen.end, **chosen.options)


ROUTES = [ForecastController, FunnelController]
