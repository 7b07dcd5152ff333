"""Streaming the first worksheet of an .xlsx file, one row at a time, with flat memory.

calamine loads a whole sheet before it gives the first row, and openpyxl's read-only mode
streams but costs about 100 µs a row; this reads the sheet's XML with the standard
library's C parser (about a third of openpyxl's time) and keeps only the current row. What
it keeps besides: the shared-strings table (Excel stores each distinct text once there,
so a workbook saved by Excel cannot be read without it) and the cell styles, to know which
numbers are dates.

`kht.importing.safety.check_xlsx` has refused zip bombs, encrypted parts and XML that
declares entities before this opens the file.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import IO, Any
from xml.etree.ElementTree import ParseError
from xml.etree.ElementTree import iterparse as _iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHARED_STRINGS_TYPE = "/sharedStrings"

# Built-in number formats that show a date or time: the international ones (14-22, 45-47)
# and those Chinese, Japanese and Korean Excel use (27-36, 50-58).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')  # literal text, colours, conditions, escapes
_DATE_CODE = re.compile(r"[dmyhs]|上午|下午|年|月|日|时|分|秒", re.IGNORECASE)
_COLUMN = re.compile(r"[A-Z]+")
SCAN_CHUNK = 1 << 20  # bytes of sheet XML read at a time when counting rows
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


def iterparse(source: IO[bytes], events: tuple[str, ...] = ("end",)) -> Iterator[Any]:
    """The standard library's C parser: safe here because `check_xlsx` refused every part
    that declares a DOCTYPE or ENTITY, or is not UTF-8, before the workbook is opened
    (defusedxml's wrapper would double the cost of reading a sheet)."""
    return _iterparse(source, events)  # noqa: S314


class XlsxError(ValueError):
    """The workbook's structure or XML cannot be read."""


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (ignoring literal text)."""
    return bool(_DATE_CODE.search(_QUOTED.sub("", code)))


def column_index(reference: str) -> int:
    """0-based column of a cell reference: A1 → 0, AB7 → 27."""
    found = _COLUMN.match(reference)
    if not found:
        raise XlsxError(f"bad cell reference {reference!r}")
    index = 0
    for letter in found.group(0):
        index = index * 26 + ord(letter) - 64
    return index - 1


class XlsxReader:
    """The first worksheet of a workbook (its bytes or a seekable file), as (row, values).

    Values are what the cell shows: str, int or float, bool, datetime (date-formatted
    numbers), or None for an empty cell; rows are padded to their last filled cell.
    """

    def __init__(self, data: bytes | IO[bytes]) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
            self.sheet_path, strings_path, self.epoch = self._workbook()
            self.date_styles = self._date_styles()
            self.strings = self._shared_strings(strings_path)
        except (KeyError, ParseError, zipfile.BadZipFile) as exc:
            raise XlsxError(f"not a readable workbook ({exc})") from None

    def close(self) -> None:
        self.archive.close()

    # ------------------------------------------------------------------ workbook parts

    def _relations(self, path: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part path) of the part at `path`."""
        folder, name = posixpath.split(path)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.archive.namelist():
            return found
        for _, element in iterparse(self.archive.open(rels)):
            if element.tag == f"{_PKG_REL}Relationship":
                target = element.get("Target", "")
                part = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                found[element.get("Id", "")] = (element.get("Type", ""), part)
        return found

    def _workbook(self) -> tuple[str, str | None, datetime]:
        relations = self._relations("xl/workbook.xml")
        first_sheet = None
        epoch = _EPOCH_1900
        for _, element in iterparse(self.archive.open("xl/workbook.xml")):
            if element.tag == f"{MAIN}workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = _EPOCH_1904
            elif element.tag == f"{MAIN}sheet" and first_sheet is None:
                first_sheet = element.get(f"{_REL}id")
        if first_sheet is None or first_sheet not in relations:
            raise XlsxError("the workbook has no worksheet")
        strings = next(
            (part for kind, part in relations.values() if kind.endswith(_SHARED_STRINGS_TYPE)),
            None,
        )
        return relations[first_sheet][1], strings, epoch

    def _date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles (`s` attribute) whose number format is a date."""
        if "xl/styles.xml" not in self.archive.namelist():
            return frozenset()
        custom: dict[int, str] = {}
        dates: set[int] = set()
        in_cell_xfs = False
        position = 0
        for event, element in iterparse(self.archive.open("xl/styles.xml"), ("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{MAIN}cellXfs":
                    in_cell_xfs = True
                elif tag == f"{MAIN}xf" and in_cell_xfs:
                    number_format = int(element.get("numFmtId", "0"))
                    if number_format in _DATE_FORMAT_IDS or is_date_format(
                        custom.get(number_format, "")
                    ):
                        dates.add(position)
                    position += 1
                elif tag == f"{MAIN}numFmt":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif tag == f"{MAIN}cellXfs":
                in_cell_xfs = False
        return frozenset(dates)

    def _shared_strings(self, path: str | None) -> list[str]:
        if path is None or path not in self.archive.namelist():
            return []
        strings: list[str] = []
        table = None
        for event, element in iterparse(self.archive.open(path), ("start", "end")):
            if table is None:
                table = element  # <sst>: emptied as we go, or it would keep every item
            elif event == "end" and element.tag == f"{MAIN}si":
                strings.append(_text_of(element))
                table.clear()
        return strings

    # ------------------------------------------------------------------ the rows

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values) for each row element of the sheet, in file order."""
        data_tag, row_tag, cell_tag = f"{MAIN}sheetData", f"{MAIN}row", f"{MAIN}c"
        number = 0
        sheet_data = None
        source: IO[bytes] = self.archive.open(self.sheet_path)
        try:
            for event, element in iterparse(source, ("start", "end")):
                if event == "start":
                    if element.tag == data_tag:
                        sheet_data = element
                    continue
                if element.tag != row_tag:
                    continue
                number = int(element.get("r") or number + 1)
                values: list[Any] = []
                for cell in element.iter(cell_tag):
                    reference = cell.get("r")
                    if reference:
                        index = column_index(reference)
                        if index < len(values):
                            raise XlsxError(f"cell {reference} comes twice or out of order")
                        values.extend([None] * (index - len(values)))
                    values.append(self._value(cell))
                if sheet_data is not None:
                    sheet_data.clear()  # drop the rows read so far: memory stays flat
                while values and values[-1] is None:
                    values.pop()
                yield number, values
        except (ParseError, KeyError, IndexError, ValueError, OverflowError) as exc:
            raise XlsxError(f"row {number + 1} cannot be read ({exc})") from None
        finally:
            source.close()

    def count_rows(self) -> int:
        """How many row elements the sheet has, by scanning its bytes (no XML parsing).

        Rows that exist but hold only empty cells count too: a total for progress.
        """
        found, tail = 0, b""
        with self.archive.open(self.sheet_path) as source:
            while chunk := source.read(SCAN_CHUNK):
                window = tail + chunk
                # Matches ending inside the tail were counted with the previous chunk.
                found += sum(1 for m in _ROW_TAG.finditer(window) if m.end() > len(tail))
                tail = window[-32:]
        return found

    def _value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{MAIN}is")
            return _text_of(inline) if inline is not None else None
        raw = cell.findtext(f"{MAIN}v")
        if raw is None:
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("str", "e"):  # a formula's text, an error such as #N/A
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "d":  # an ISO 8601 date (Strict Open XML)
            return datetime.fromisoformat(raw.rstrip("Z"))
        if int(cell.get("s", "0")) in self.date_styles:
            # Excel keeps times to the millisecond; the float's last bits are noise.
            return self.epoch + timedelta(milliseconds=round(float(raw) * 86_400_000))
        return int(raw) if raw.lstrip("-").isdigit() else float(raw)


def _text_of(element: Any) -> str:
    """The text of a string item: its runs, without phonetic guides (rPh)."""
    direct = element.find(f"{MAIN}t")
    if direct is not None:
        return direct.text or ""
    return "".join(run.findtext(f"{MAIN}t") or "" for run in element.iter(f"{MAIN}r"))
