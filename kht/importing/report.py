"""The row-level error report of an import: CSV (UTF-8 with BOM, so Excel shows the Chinese)."""

from __future__ import annotations

import csv
import tempfile

from kht.exporting.safe import safe_cell

HEADER_ZH = ("行号", "列", "值", "问题")
HEADER_EN = ("Row", "Column", "Value", "Problem")
KEPT = 200  # errors kept in memory for pages and API answers; the report holds them all


class ErrorReport:
    """Collects (row, column, value, message); spills to a temporary file, not to memory."""

    def __init__(self, language: str = "zh_CN") -> None:
        self.count = 0
        self.first: list[tuple[int, str, str, str]] = []
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed by close()
            max_size=1024 * 1024, mode="w+", encoding="utf-8", newline=""
        )
        self._writer = csv.writer(self._file)
        self._writer.writerow(HEADER_ZH if language.startswith("zh") else HEADER_EN)

    def add(self, row: int, column: str, value: str, message: str) -> None:
        self.count += 1
        if len(self.first) < KEPT:
            self.first.append((row, column, value, message))
        # Values come from the uploaded file: neutralise formulas before Excel opens them.
        self._writer.writerow([row, safe_cell(column), safe_cell(value), safe_cell(message)])

    def to_bytes(self) -> bytes:
        """The whole report as CSV bytes with a UTF-8 BOM."""
        self._file.seek(0)
        return b"\xef\xbb\xbf" + self._file.read().encode("utf-8")

    def close(self) -> None:
        """Drop the temporary file (also when the report was never read: no errors)."""
        self._file.close()

    def __enter__(self) -> ErrorReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["ErrorReport"]
