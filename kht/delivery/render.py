"""A delivery's mail, rendered for its recipient: an HTML summary, the same as plain text,
an .xlsx workbook (a report's table; for a dashboard, a sheet per report widget and one
for its KPIs and lists) and a PDF of the charts with their tables (kht.delivery.charts
draws them on the server from the same data). The caller's ctx acts as the recipient, so
every figure is theirs.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kht.context import Ctx
from kht.dashboards import service as dashboards
from kht.dashboards.schemas import WidgetData
from kht.delivery.charts import PDF, chart_svg, data_uri, pdf_of
from kht.delivery.service import title
from kht.reports import service as reports
from kht.reports.schemas import ReportResult
from kht.web.i18n import N_, translations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 20  # rows of a table in the mail; the attachment has them all
SUBJECT = N_("%(title)s, from %(period)s")
_ENV = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=select_autoescape(default=True),
)


@dataclass
class Rendered:
    """A delivery's mail: subject, plain text, HTML and attachments (name, type, bytes)."""

    subject: str
    text: str
    html: str
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int | Decimal) else str(value)


def _lines(result: ReportResult) -> list[str]:
    headers, rows = reports.table(result)
    out = [" | ".join(headers)]
    out += [" | ".join(_number(v) for v in row) for row in rows[:SHOWN_ROWS]]
    return out


def _sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", text)[:28] or "Sheet"
    while name in taken:
        name = name[:26] + f"~{len(taken)}"
    taken.add(name)
    return name


def workbook(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An .xlsx of (name, headers, rows) sheets; numbers as numbers, text as text."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    bold = book.add_format({"bold": True})
    taken: set[str] = set()
    for name, headers, rows in sheets:
        sheet = book.add_worksheet(_sheet_name(name, taken))
        sheet.write_row(0, 0, headers, bold)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                    sheet.write_number(index, column, float(value))
                elif value is not None:
                    sheet.write_string(index, column, str(value))
    book.close()
    return buffer.getvalue()


def _page(ctx: Ctx, template: str, **values: Any) -> str:
    gettext = translations(ctx.language).gettext
    return _ENV.get_template(template).render(_=gettext, number=_number, **values)


def report_mail(ctx: Ctx, key: str, heading: str, period: date) -> Rendered:
    """Report `key` run for the recipient (ctx): its table in the mail and as .xlsx."""
    result = reports.run_report(ctx, key)
    data, name = reports.export_file(result, "xlsx", str(ctx.zone))
    html = _page(ctx, "delivery/report.html", heading=heading, result=result, shown=SHOWN_ROWS)
    text = "\n".join([heading, "", *_lines(result)])
    chart = data_uri(chart_svg(result)) if result.rows else None
    printed = _page(
        ctx, "delivery/report.html", heading=heading, result=result, shown=len(result.rows),
        chart=chart, pdf=True,
    )  # fmt: skip
    files = [(name, XLSX, data), (f"{heading}.pdf", PDF, pdf_of(printed))]
    return Rendered(_subject(ctx, heading, period), text, html, files)


def _widget_sheets(widgets: list[WidgetData]) -> list[tuple[str, list[str], list[list[Any]]]]:
    summary: list[list[Any]] = []
    sheets = []
    for data in widgets:
        if data.kpi is not None:
            k = data.kpi
            summary.append([data.title, k.label, k.value, k.previous, k.change])
        elif data.report is not None:
            headers, rows = reports.table(data.report)
            sheets.append((data.title, headers, rows))
    head = ["Widget", "Measure", "This period", "Previous period", "Change %"]
    return [("KPI", head, summary), *sheets] if summary else sheets


def dashboard_mail(ctx: Ctx, heading: str, period: date) -> Rendered:
    """The recipient's dashboard (their layout, their data): KPIs, lists and report tables
    in the mail, the report tables and KPIs as .xlsx."""
    _, widgets = dashboards.board(ctx)
    html = _page(ctx, "delivery/dashboard.html", heading=heading, widgets=widgets, shown=SHOWN_ROWS)
    text = [heading, ""]
    for data in widgets:
        text.append(f"# {data.title}")
        if data.kpi is not None:
            text.append(f"{_number(data.kpi.value)} ({_number(data.kpi.change)} %)")
        for item in data.items or []:
            text.append(f"- {item.title} {item.note}")
        if data.report is not None:
            text += _lines(data.report)
        text.append("")
    files = []
    sheets = _widget_sheets(widgets)
    if sheets:
        files.append((f"{heading}.xlsx", XLSX, workbook(sheets)))
    charts = [
        data_uri(chart_svg(data.report)) if data.report is not None and data.report.rows else None
        for data in widgets
    ]
    printed = _page(
        ctx, "delivery/dashboard.html", heading=heading, widgets=widgets, shown=SHOWN_ROWS,
        charts=charts, pdf=True,
    )  # fmt: skip
    files.append((f"{heading}.pdf", PDF, pdf_of(printed)))
    return Rendered(_subject(ctx, heading, period), "\n".join(text), html, files)


def _subject(ctx: Ctx, heading: str, period: date) -> str:
    return translations(ctx.language).gettext(SUBJECT) % {
        "title": heading,
        "period": period.isoformat(),
    }


def render(ctx: Ctx, report_key: str, period: date) -> Rendered:
    """The mail of a subscription to `report_key` (empty: the dashboard) for ctx's user."""
    heading = title(ctx, report_key)
    if report_key:
        return report_mail(ctx, report_key, heading, period)
    return dashboard_mail(ctx, heading, period)
