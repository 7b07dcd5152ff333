"""What the report API answers: the catalogue and a report's groups (money as decimal strings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec


class ReportInfo(msgspec.Struct, kw_only=True):
    """One report of the catalogue; `url` is its page (its own page for a special report)."""

    key: str
    category: str
    category_label: str
    title: str
    description: str
    kind: str
    chart: str
    url: str
    favourite: bool = False
    # a saved report (kht.reports.saved): shared with everyone, or the reader's own
    saved: bool = False
    shared: bool = False
    mine: bool = False


class DimensionOut(msgspec.Struct, kw_only=True):
    """A dimension of the result: the field, its bucket and its label."""

    field: str
    bucket: str
    label: str


class MeasureOut(msgspec.Struct, kw_only=True):
    """A measure of the result: its key, label and aggregate (`ratio` values are percent)."""

    key: str
    label: str
    agg: str


class ReportRow(msgspec.Struct, kw_only=True):
    """One group: its dimension keys (as stored, or the date bucket) and labels, a value per
    measure, and the list page showing its records (`drill`, None when none can)."""

    keys: list[Any]
    labels: list[str]
    values: list[Decimal | int | None]
    drill: str | None = None


class PivotCell(msgspec.Struct, kw_only=True):
    """One cell of the pivot: the first measure's value and the records behind it."""

    value: Decimal | int | None
    drill: str | None = None


class Pivot(msgspec.Struct, kw_only=True):
    """A two-dimension report's first measure as a grid: rows by the first dimension,
    columns by the second, with row, column and grand totals (None where they do not add
    up, as for a distinct count)."""

    measure: str
    rows: list[str]
    columns: list[str]
    cells: list[list[PivotCell]]
    row_totals: list[PivotCell]
    column_totals: list[Decimal | int | None]
    total: Decimal | int | None


class ReportResult(msgspec.Struct, kw_only=True):
    """A report run for the reader: their scope, the definition's and their filters.

    `totals` has a value per measure (None where groups do not add up: a distinct count);
    `truncated` says the groups were cut at the largest ones."""

    key: str
    title: str
    description: str
    kind: str
    chart: str
    filters: list[str]
    dimensions: list[DimensionOut]
    measures: list[MeasureOut]
    rows: list[ReportRow]
    totals: list[Decimal | int | None]
    pivot: Pivot | None = None
    truncated: bool = False


class FavouriteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mark (or unmark) a report as one of the user's favourites."""

    favourite: bool = True


class SavedReportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A report built in the builder: a record `kind`, one or two `dimensions` (rows, then
    the pivot's columns: `field`, `field:bucket` such as `created_at:month` or
    `owner_id:department`, `field:range:0,1000`), `measures` (`count`, `distinct:field`,
    `sum:field`, `avg:field`, `min:field`, `max:field`), `filters` in the list grammar
    (`field:op:value`; a date may be `today-30`), a `chart` and the catalogue `category`
    (default: the kind's). `shared` shows it to everyone who may view the kind (needs the
    Reports module's create right)."""

    title: str
    kind: str
    dimensions: list[str]
    measures: list[str] = msgspec.field(default_factory=lambda: ["count"])
    filters: list[str] = []
    chart: str = "bar"
    category: str = ""
    description: str = ""
    shared: bool = False


class SavedReportUpdate(SavedReportIn, kw_only=True, forbid_unknown_fields=True):
    """The whole saved report again, with the `version` the user edited (409 when stale)."""

    version: int


class SavedReportOut(msgspec.Struct, kw_only=True):
    """A saved report: its definition, its key (run it at `/api/v1/reports/{key}`), owner
    and version."""

    id: int
    key: str
    url: str
    title: str
    description: str
    kind: str
    category: str
    dimensions: list[str]
    measures: list[str]
    filters: list[str]
    chart: str
    shared: bool
    owner_id: int
    mine: bool
    version: int
