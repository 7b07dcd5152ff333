"""Writing export rows as CSV (UTF-8 with BOM, for Excel) or .xlsx (XlsxWriter, constant memory)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy.orm import Session

from kht.exporting.safe import safe_cell
from kht.exporting.service import Plan, local_time, rows

BOM = b"\xef\xbb\xbf"
_FLUSH_AT = 64 * 1024


def _csv_value(value: Any, zone: str) -> str:
    if isinstance(value, datetime):
        return local_time(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)  # numbers are data, not formulas: -5 stays -5
    return safe_cell(value)


def csv_chunks(plan: Plan, data: Iterable[list[Any]], zone: str) -> Iterator[bytes]:
    """The CSV file in pieces of about 64 KB, starting with the BOM and the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in plan.headers])
    yield BOM
    for row in data:
        writer.writerow([_csv_value(v, zone) for v in row])
        if buffer.tell() >= _FLUSH_AT:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(plan: Plan, data: Iterable[list[Any]], zone: str, path: Path) -> None:
    """Write the .xlsx to `path`, one row at a time (constant memory); text always as text."""
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet()
    header = workbook.add_format({"bold": True})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for column, title in enumerate(plan.headers):
        sheet.write_string(0, column, title, header)
    for number, row in enumerate(data, start=1):
        for column, value in enumerate(row):
            _cell(sheet, number, column, value, zone, when, day)
    workbook.close()


def _cell(sheet: Any, row: int, column: int, value: Any, zone: str, when: Any, day: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, local_time(value, zone), when)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, day)
    else:
        # write_string never makes a formula: "=1+1" stays the text "=1+1".
        sheet.write_string(row, column, str(value))


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_FLUSH_AT):
            yield chunk


def stream(plan: Plan, open_session: Callable[[], Session], zone: str) -> Iterator[bytes]:
    """The export file in pieces, read through its own session (the request's has ended)."""
    with open_session() as session:
        data = rows(session, plan)
        if plan.request.format == "csv":
            yield from csv_chunks(plan, data, zone)
            return
        with tempfile.TemporaryDirectory(prefix="kht-export-") as folder:
            path = Path(folder) / "export.xlsx"
            write_xlsx(plan, data, zone, path)
            yield from _file_chunks(path)


def write_to(plan: Plan, data: Iterable[list[Any]], zone: str, path: Path) -> None:
    """Write the export file to `path` without holding it in memory."""
    if plan.request.format == "xlsx":
        write_xlsx(plan, data, zone, path)
        return
    with path.open("wb") as handle:
        for chunk in csv_chunks(plan, data, zone):
            handle.write(chunk)


def write_file(plan: Plan, data: Iterable[list[Any]], zone: str) -> bytes:
    """The whole export file as bytes (for a job's stored output)."""
    with tempfile.TemporaryDirectory(prefix="kht-export-") as folder:
        path = Path(folder) / f"export.{plan.request.format}"
        write_to(plan, data, zone, path)
        return path.read_bytes()


__all__ = ["BOM", "csv_chunks", "stream", "write_file", "write_to", "write_xlsx"]
