"""What the dashboard API reads and answers: widgets, layouts and each widget's data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from kht.reports.schemas import ReportResult


class Widget(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One widget. `type`: `report` (a report's chart or table, `view`), `kpi` (a report's
    first measure this period against the previous one: `period` week, month, quarter or
    year; `date_field` the report kind's date that places a record in a period, default the
    report's date dimension or `created_at`) or `list` (`key`: overdue_actions,
    biggest_deals, quotes_waiting). `w`: grid columns of 12 (3, 4, 6, 8, 12); `h`: height in
    rows (1-3). `id` keeps a widget's identity across saves (a new widget gets one)."""

    type: str
    key: str
    w: int = 6
    h: int = 1
    view: str = "chart"
    period: str = "month"
    date_field: str = ""
    title: str = ""
    id: str = ""


class DashboardIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A whole layout, in display order; `version` as read (a stale one is a 409)."""

    widgets: list[Widget]
    version: int | None = None


class DashboardOut(msgspec.Struct, kw_only=True):
    """A layout: `source` says whose it is (`own`, `role`: the role's default, `standard`:
    kht's built-in one for the role); `role` the role it is the default of."""

    widgets: list[Widget]
    source: str
    role: str | None = None
    version: int = 0


class Kpi(msgspec.Struct, kw_only=True):
    """A KPI: the value in the current period (the viewer's today), the previous period's,
    and the change in percent (None when the previous value is zero or empty)."""

    label: str
    value: Decimal | int | None
    previous: Decimal | int | None
    change: Decimal | None
    period: str
    start: date
    end: date
    previous_start: date


class ListItem(msgspec.Struct, kw_only=True):
    """One row of a short list: what it is, where it opens and a short note (due, amount)."""

    title: str
    url: str
    note: str = ""


class WidgetData(msgspec.Struct, kw_only=True):
    """A widget with its data for the viewer (their scope, their today). `error` says why
    there is none (no right to the report, a report that no longer exists)."""

    widget: Widget
    title: str
    url: str = ""
    error: str = ""
    report: ReportResult | None = None
    kpi: Kpi | None = None
    items: list[ListItem] | None = None
