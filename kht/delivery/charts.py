"""The charts of a delivered report or dashboard as a PDF, drawn on the server.

The report pages draw their charts with ECharts in the browser, which a worker cannot run.
Here the same report data (the recipient's ReportResult) is drawn with matplotlib as SVG —
bar, stacked bar, line, pie and funnel, a two-dimension report as one series per column —
with its text kept as text, and WeasyPrint lays the charts and their tables out as a PDF,
setting the text in the Noto CJK font (Debian's fonts-noto-cjk) so Chinese labels show and
can be read back from the PDF.
"""

from __future__ import annotations

import base64
import io
import threading
from decimal import Decimal
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from kht.reports.schemas import ReportResult

PDF = "application/pdf"
# The SVG names these families; WeasyPrint finds them through fontconfig.
FONTS = ["Noto Sans CJK SC", "Noto Serif CJK SC", "DejaVu Sans"]
# matplotlib's settings are one global: two threads drawing at once (the worker's) would
# restore each other's defaults mid-drawing and lay Chinese out in DejaVu Sans.
_DRAWING = threading.Lock()
MAX_BARS = 20  # a chart shows the largest groups, as the report page does
SIZE = (7.0, 3.4)  # inches: the width of an A4 page's text


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float | Decimal) else 0.0


def _series(result: ReportResult) -> tuple[list[str], list[tuple[str, list[float]]]]:
    """(category labels, [(series name, values)]): one series per measure for one
    dimension, one per column of the pivot (its first measure) for two."""
    if result.pivot is not None:
        pivot = result.pivot
        labels = pivot.rows[:MAX_BARS]
        series = [
            (column, [_number(row[index].value) for row in pivot.cells[:MAX_BARS]])
            for index, column in enumerate(pivot.columns[:MAX_BARS])
        ]
        return labels, series
    rows = result.rows[:MAX_BARS]
    labels = [" / ".join(row.labels) or "—" for row in rows]
    # Measures share the axis only when they are alike (a count beside a sum of money
    # would flatten one of them): the first measure, and those of its aggregate.
    first = result.measures[0].agg if result.measures else ""
    series = [
        (measure.label, [_number(row.values[index]) for row in rows])
        for index, measure in enumerate(result.measures)
        if measure.agg == first
    ]
    return labels, series[:3]


Series = list[tuple[str, list[float]]]


def _bars(axes: Any, labels: list[str], series: Series, stacked: bool) -> None:
    positions = list(range(len(labels)))
    width = 0.8 if stacked else 0.8 / max(len(series), 1)
    bottom = [0.0] * len(labels)
    for index, (name, values) in enumerate(series):
        if stacked:
            axes.bar(positions, values, 0.8, bottom=bottom, label=name)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        else:
            shifted = [p - 0.4 + width * (index + 0.5) for p in positions]
            axes.bar(shifted, values, width, label=name)
    axes.set_xticks(positions, labels, rotation=30 if len(labels) > 6 else 0, ha="right")


def _draw(axes: Any, chart: str, labels: list[str], series: list[tuple[str, list[float]]]) -> None:
    if chart == "pie":
        name, values = series[0]
        axes.pie(values, labels=labels, autopct="%1.0f%%", startangle=90, counterclock=False)
        axes.set_title(name)
    elif chart == "funnel":
        name, values = series[0]
        axes.barh(list(range(len(labels))), values, label=name)
        axes.set_yticks(list(range(len(labels))), labels)
        axes.invert_yaxis()
    elif chart == "line":
        for name, values in series:
            axes.plot(labels, values, marker="o", label=name)
        axes.tick_params(axis="x", rotation=30 if len(labels) > 6 else 0)
    else:
        # Many series (a pivot's columns) read better stacked than side by side.
        _bars(axes, labels, series, stacked=chart == "stacked" or len(series) > 3)
    if chart != "pie" and len(series) > 1:
        axes.legend(fontsize=8)


def chart_svg(result: ReportResult) -> str:
    """The report's chart as SVG text (None-free: no rows draws an empty frame)."""
    labels, series = _series(result)
    buffer = io.StringIO()
    # Text kept as text (WeasyPrint sets it, so it can be searched and copied), in CJK fonts.
    settings = {"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": FONTS}
    with _DRAWING, rc_context(settings):
        figure = Figure(figsize=SIZE)
        axes = figure.add_subplot()
        if labels and series:
            _draw(axes, result.chart if result.chart != "table" else "bar", labels, series)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    """An SVG as a data: URI (the PDF embeds it: nothing to fetch)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def pdf_of(html: str) -> bytes:
    """A PDF of a self-contained HTML page (WeasyPrint)."""
    import weasyprint  # loads Pango: only when a PDF is made

    return weasyprint.HTML(string=html).write_pdf()
