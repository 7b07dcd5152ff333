"""Reading CSV (any common encoding and delimiter) and .xlsx files as a header and row stream.

Rows are streamed: a reader never holds more than one parsed row of the file. Every cell
comes out as stripped text (Excel numbers and dates turned into the text a person would
type), so the column mapping converts all files the same way.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from charset_normalizer import from_bytes

from kht.errors import ValidationError
from kht.importing.safety import Limits, Source, check_size, check_xlsx, open_source
from kht.importing.xlsx import XlsxError, XlsxReader

DELIMITERS = ",;\t|"
_MAX_CHAOS = 0.1  # charset-normalizer's "mess" ratio under which a decoding reads as text
_SAMPLE = 64 * 1024

Row = tuple[int, list[str]]  # (row number in the file as a person counts it, cells)


class Table(Protocol):
    """A parsed file: unique header names and a stream of data rows."""

    headers: list[str]

    def rows(self) -> Iterator[Row]: ...

    def count(self) -> int: ...


def open_table(filename: str, data: Source, limits: Limits, size: int | None = None) -> Table:
    """The table in an uploaded file (.csv/.txt/.tsv or .xlsx); unsafe or unreadable files → 4xx.

    `data` is the file's bytes, or a function opening it as a binary file (then `size`
    says how large it is).
    """
    check_size(len(data) if isinstance(data, bytes) else size or 0, limits)
    if filename.lower().endswith(".xlsx"):
        check_xlsx(data, limits)
    return read_table(filename, data)


def read_table(filename: str, data: Source) -> Table:
    """The table in a file `open_table` has already checked (a stored upload)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return XlsxTable(data)
    if name.endswith((".csv", ".txt", ".tsv")):
        return CsvTable(data)
    raise ValidationError("upload a .csv or .xlsx file (old .xls: save it again as .xlsx)", "file")


def unique_headers(cells: list[str]) -> list[str]:
    """Header names made unique and non-empty (`column 3`, `电话 (2)`)."""
    seen: dict[str, int] = {}
    headers = []
    for position, cell in enumerate(cells, start=1):
        name = cell.strip().lstrip("\ufeff") or f"column {position}"
        seen[name] = seen.get(name, 0) + 1
        headers.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return headers


# ---------------------------------------------------------------------------------- CSV


def detect_encoding(data: Source) -> str:
    """The text encoding of a CSV: a BOM, strict UTF-8, plausible GB18030, else a guess.

    GBK files are read as GB18030 (its superset). A short GBK text is easily guessed as some
    other code page, so GB18030 is tried first, this being a Chinese CRM: it is chosen when
    the bytes decode and charset-normalizer finds the text coherent in it.
    """
    with open_source(data) as stream:
        sample = stream.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(data, "utf-8"):
        return "utf-8"
    if _decodes(data, "gb18030"):
        chinese = from_bytes(sample, cp_isolation=["gb18030"]).best()
        if chinese is not None and chinese.chaos < _MAX_CHAOS:
            return "gb18030"
    guess = from_bytes(sample).best()
    if guess is None:
        raise ValidationError("cannot tell the file's text encoding; save it as UTF-8 CSV", "file")
    return guess.encoding


def _decodes(data: Source, encoding: str, chunk: int = 1 << 20) -> bool:
    # Piece by piece: decoding a 15 MB file at once held its whole text in memory.
    decoder = codecs.getincrementaldecoder(encoding)()
    with open_source(data) as stream:
        try:
            while piece := stream.read(chunk):
                decoder.decode(piece)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer limited to , ; tab |, else the most frequent."""
    lines = sample.splitlines()[:20]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


class CsvTable:
    """A CSV file read lazily from its bytes or stored upload."""

    def __init__(self, data: Source) -> None:
        self.data = data
        self.encoding = detect_encoding(data)
        with self._text() as text:
            sample = text.read(_SAMPLE)
        self.delimiter = sniff_delimiter(sample)
        first = next(self._records(), None)
        if first is None:
            raise ValidationError("the file is empty", "file")
        self.header_row, cells = first
        self.headers = unique_headers(cells)

    def _text(self) -> io.TextIOWrapper:
        errors = "strict" if self.encoding in ("utf-8", "utf-8-sig", "gb18030") else "replace"
        return io.TextIOWrapper(
            open_source(self.data), encoding=self.encoding, errors=errors, newline=""
        )

    def _records(self) -> Iterator[Row]:
        number = 0
        with self._text() as text:
            try:
                for cells in csv.reader(text, delimiter=self.delimiter):
                    number += 1
                    if any(cell.strip() for cell in cells):
                        yield number, [cell.strip() for cell in cells]
            except csv.Error as exc:
                raise ValidationError(f"row {number + 1} cannot be read: {exc}", "file") from None

    def rows(self) -> Iterator[Row]:
        records = self._records()
        next(records)  # the header
        yield from records

    def count(self) -> int:
        return sum(1 for _ in self.rows())


# --------------------------------------------------------------------------------- XLSX


def cell_text(value: Any) -> str:
    """An Excel cell as the text a person would have typed (13800138000, not 1.38e10)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


class XlsxTable:
    """The first worksheet of an .xlsx file, streamed row by row (`kht.importing.xlsx`)."""

    def __init__(self, data: Source) -> None:
        self.data = data
        first = next(self._records(), None)
        if first is None:
            raise ValidationError("the first worksheet is empty", "file")
        self.header_row, cells = first
        self.headers = unique_headers(cells)

    def _records(self) -> Iterator[Row]:
        with open_source(self.data) as stream:
            try:
                reader = XlsxReader(stream)
            except XlsxError as exc:
                raise ValidationError(f"the .xlsx file cannot be read ({exc})", "file") from None
            try:
                for number, values in reader.rows():
                    cells = [cell_text(value) for value in values]
                    if any(cells):
                        yield number, cells
            except XlsxError as exc:
                raise ValidationError(f"the .xlsx file cannot be read: {exc}", "file") from None
            finally:
                reader.close()

    def rows(self) -> Iterator[Row]:
        records = self._records()
        next(records)
        yield from records

    def count(self) -> int:
        """The sheet's rows after the header (an estimate: rows of empty cells count too)."""
        with open_source(self.data) as stream:
            reader = XlsxReader(stream)
            try:
                return max(0, reader.count_rows() - 1)
            finally:
                reader.close()


__all__ = [
    "CsvTable",
    "Row",
    "Table",
    "XlsxTable",
    "cell_text",
    "detect_encoding",
    "open_table",
    "read_table",
    "sniff_delimiter",
    "unique_headers",
]
