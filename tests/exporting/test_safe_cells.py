"""Formula-like text in exports, including what a Chinese input method types (全角 ＝＋－＠)."""

from __future__ import annotations

import pytest

from kht.exporting.safe import safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+86 10", "-2+3", "@sum(A1)", "＝1+1", "＋cmd|' /C calc'!A0", "－1", "＠sum(A1)"],
)
def test_text_a_spreadsheet_would_run_is_written_as_text(text):
    assert safe_cell(text) == f"'{text}"


@pytest.mark.parametrize("text", ["清华同方", "1+1=2", "a@example.com", "", "（备注）"])
def test_ordinary_text_is_left_alone(text):
    assert safe_cell(text) == text
