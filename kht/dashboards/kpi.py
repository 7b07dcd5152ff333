"""KPI widgets: a report's first measure in the viewer's current period against the previous.

Periods are the viewer's (their today, kht.clock); a record falls in a period by the report
kind's date field, compared the way report drill-downs compare it (`field:gte:first`,
`field:lt:after`), so a KPI equals the matching cell of the report bucketed by that period.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kht import clock
from kht.context import Ctx
from kht.dashboards.schemas import Kpi, Widget
from kht.errors import ValidationError
from kht.plugin_types import ReportDef
from kht.records import record_kinds
from kht.reports import service as reports

KPI_PERIODS = ("week", "month", "quarter", "year")
DATE_BUCKETS = ("day", "week", "month", "quarter", "year")


def bounds(period: Any, today: date) -> tuple[date, date, date]:
    """The current period's first day, the first day after it, and the previous period's
    first day."""
    start = clock.period_start(period, today)
    after = clock.period_after(period, start)
    previous = clock.period_start(period, _day_before(start))
    return start, after, previous


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def change(current: Any, previous: Any) -> Decimal | None:
    """`current` against `previous` in percent, to one decimal (None: nothing to compare)."""
    if current is None or previous is None or Decimal(previous) == 0:
        return None
    ratio = (Decimal(current) - Decimal(previous)) / abs(Decimal(previous)) * 100
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def date_field(ctx: Ctx, item: ReportDef, chosen: str) -> str:
    """The date that places a record in a period: `chosen`, else the report's dated
    dimension, else `created_at`; a 422 naming `date_field` when it is not a date."""
    field = chosen or next(
        (d.field for d in item.dimensions if d.bucket in DATE_BUCKETS), "created_at"
    )
    column = record_kinds(ctx)[item.kind].columns(ctx).get(field)
    if column is None or column.type != "date":
        raise ValidationError(f"{field!r} is not a date of report {item.key!r}", "date_field")
    return field


def kpi(ctx: Ctx, widget: Widget) -> Kpi:
    """The widget's KPI for the viewer, each period run through their scope."""
    item = reports.report_def(ctx, widget.key)
    field = date_field(ctx, item, widget.date_field)
    start, after, previous = bounds(widget.period, ctx.today())

    def total(first: date, end: date) -> Any:
        span = [f"{field}:gte:{first.isoformat()}", f"{field}:lt:{end.isoformat()}"]
        result = reports.run_report(ctx, widget.key, filters=span)
        return result.totals[0] if result.totals else None

    current, before = total(start, after), total(previous, start)
    return Kpi(
        label=item.measures[0].label(ctx.language) if item.measures else "",
        value=current,
        previous=before,
        change=change(current, before),
        period=widget.period,
        start=start,
        end=_day_before(after),
        previous_start=previous,
    )
