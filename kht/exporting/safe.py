"""Spreadsheet formula injection: text that Excel would run as a formula is written as text."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is a formula (or DDE) to Excel, LibreOffice and WPS;
# with a Chinese input method on, WPS and Excel take the full-width ＝ ＋ － ＠ for them too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> str:
    """`value` as CSV text; formula-like text gets a leading single quote so it stays text."""
    text = "" if value is None else str(value)
    return f"'{text}" if is_formula_like(text) else text


__all__ = ["FORMULA_STARTS", "is_formula_like", "safe_cell"]
