"""The streaming .xlsx reader: what each kind of cell reads as, from Excel-like files."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import xlsxwriter
from openpyxl import Workbook

from kht.importing import xlsx
from kht.importing.xlsx import XlsxError, XlsxReader, column_index, is_date_format


def _xlsxwriter(fill, **options) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **options})
    fill(book, book.add_worksheet("客户"))
    book.close()
    return buffer.getvalue()


def _rows(data: bytes) -> list[tuple[int, list[object]]]:
    reader = XlsxReader(data)
    try:
        return list(reader.rows())
    finally:
        reader.close()


def test_shared_strings_numbers_booleans_and_gaps_read_as_excel_shows_them():
    def fill(book, sheet):
        sheet.write_row(0, 0, ["名称", "电话", "数量", "单价", "有效"])
        sheet.write(1, 0, "清华同方")
        sheet.write_number(1, 1, 13800138000)
        sheet.write_number(1, 2, 3)
        sheet.write_number(1, 3, 12.5)
        sheet.write_boolean(1, 4, True)
        sheet.write(3, 2, "跳过一行和两列")  # row 3 is missing, columns A-B are empty

    assert _rows(_xlsxwriter(fill)) == [
        (1, ["名称", "电话", "数量", "单价", "有效"]),
        (2, ["清华同方", 13800138000, 3, 12.5, True]),
        (4, [None, None, "跳过一行和两列"]),
    ]


def test_date_formatted_numbers_are_dates_in_both_date_systems_and_in_chinese_formats():
    def fill(book, sheet):
        iso = book.add_format({"num_format": "yyyy-mm-dd"})
        chinese = book.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
        stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        money = book.add_format({"num_format": '#,##0.00"元"'})
        sheet.write_datetime(0, 0, date(2026, 11, 27), iso)
        sheet.write_datetime(0, 1, date(2024, 2, 29), chinese)
        sheet.write_datetime(0, 2, datetime(2026, 1, 2, 9, 30), stamp)
        sheet.write_number(0, 3, 1234.5, money)  # quoted 元 is literal text, not a date part

    for options in ({}, {"date_1904": True}):
        ((_, values),) = _rows(_xlsxwriter(fill, **options))
        assert values[:3] == [
            datetime(2026, 11, 27),
            datetime(2024, 2, 29),
            datetime(2026, 1, 2, 9, 30),
        ]
        assert values[3] == 1234.5


def test_rich_text_reads_as_its_plain_text_and_formulas_as_their_cached_value():
    def fill(book, sheet):
        bold = book.add_format({"bold": True})
        sheet.write_rich_string(0, 0, "北京", bold, "同方", "科技")
        sheet.write_formula(0, 1, "=1+1", None, 2)
        sheet.write_formula(0, 2, '="a"&"b"', None, "ab")

    assert _rows(_xlsxwriter(fill)) == [(1, ["北京同方科技", 2, "ab"])]


def test_inline_strings_of_a_streamed_workbook_are_read():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(["名称", "人数"])
    sheet.append(["Northwind", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _rows(buffer.getvalue()) == [(1, ["名称", "人数"]), (2, ["Northwind", 12])]


def test_a_damaged_workbook_is_an_error_not_a_crash():
    with pytest.raises(XlsxError):
        XlsxReader(b"PK\x03\x04 not really a zip")


def test_number_formats_and_cell_references():
    assert is_date_format("yyyy/m/d") and is_date_format("h:mm AM/PM")
    assert is_date_format('yyyy"年"m"月"')
    assert not is_date_format('#,##0.00"元"') and not is_date_format("[Red]0.00")
    assert column_index("A1") == 0 and column_index("AB7") == 27


@pytest.mark.parametrize("chunk", [7, 1 << 20])  # tiny chunks cut tags everywhere
def test_counting_rows_scans_the_sheet_without_parsing_it(monkeypatch, chunk):
    monkeypatch.setattr(xlsx, "SCAN_CHUNK", chunk)

    def fill(book, sheet):
        for r in range(2500):
            sheet.write_row(r, 0, [f"客户{r}", r])

    reader = XlsxReader(_xlsxwriter(fill))
    try:
        assert reader.count_rows() == 2500
    finally:
        reader.close()
