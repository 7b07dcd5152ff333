"""Reading real files: encodings, delimiters, quoting, Excel cells."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kht.errors import ValidationError
from kht.importing.readers import cell_text, detect_encoding, open_table
from kht.importing.safety import Limits
from tests.importing.conftest import csv_bytes, xlsx_bytes

ROWS = [
    ["客户名称", "电话", "地址"],
    ["清华同方威视技术股份有限公司", "010-62780909", "北京市海淀区"],
    ["上海华东电器集团有限公司", "021-58881234", "上海市浦东新区"],
]


def read(name: str, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    table = open_table(name, data, Limits())
    return table.headers, list(table.rows())


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_chinese_csv_files_are_read_in_each_common_encoding(encoding, expected):
    data = csv_bytes(ROWS, encoding=encoding)
    assert detect_encoding(data) == expected
    headers, rows = read("客户.csv", data)
    assert headers == ROWS[0]
    assert [cells for _, cells in rows] == ROWS[1:]


def test_gb18030_characters_outside_gbk_survive():
    rows = [["名称"], ["𠮷野家餐饮"]]
    headers, read_rows = read("a.csv", csv_bytes(rows, encoding="gb18030"))
    assert read_rows[0][1] == ["𠮷野家餐饮"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_any_common_delimiter_is_detected(delimiter):
    rows = [["名称", "地址", "备注"], ["甲", "北京, 海淀", "a;b"], ["乙", "上海", "c|d"]]
    headers, read_rows = read("a.csv", csv_bytes(rows, delimiter=delimiter))
    assert headers == rows[0]
    assert [cells for _, cells in read_rows] == rows[1:]


def test_row_numbers_count_records_and_skip_blank_lines():
    data = '名称,备注\n甲,"两行\n备注"\n\n乙,\n'.encode()
    _, rows = read("a.csv", data)
    assert [(number, cells[0]) for number, cells in rows] == [(2, "甲"), (4, "乙")]
    assert rows[0][1][1] == "两行\n备注"


def test_empty_and_duplicate_headers_get_unique_names():
    headers, _ = read("a.csv", "电话,,电话\n1,2,3\n".encode())
    assert headers == ["电话", "column 2", "电话 (2)"]


def test_an_xlsx_sheet_is_read_with_excel_values_as_text():
    rows = [
        ["名称", "电话", "日期", "金额", "是否"],
        ["甲", 13800138000, datetime(2024, 3, 5), 1234.5, True],
    ]
    headers, read_rows = read("a.xlsx", xlsx_bytes(rows))
    assert headers == rows[0]
    assert read_rows == [(2, ["甲", "13800138000", "2024-03-05", "1234.5", "true"])]


def test_cell_text_turns_excel_values_into_what_a_person_typed():
    assert cell_text(1.0) == "1" and cell_text(0.25) == "0.25"
    assert cell_text(date(2024, 1, 2)) == "2024-01-02"
    assert cell_text(datetime(2024, 1, 2, 9, 30)) == "2024-01-02 09:30:00"
    assert cell_text(None) == "" and cell_text("  x ") == "x"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("a.csv", b"", "empty"), ("a.pdf", b"%PDF", ".csv or .xlsx"), ("a.xls", b"x", ".xlsx")],
)
def test_unreadable_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(ValidationError) as refused:
        open_table(name, data, Limits())
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("公司名称,座机,类型,星座\r\n甲公司,010-1,公司,白羊\r\n", "gbk", "gb18030"),
        ("名称\r\n甲\r\n", "gbk", "gb18030"),
        ("公司名稱,電話\r\n台灣積體電路,02-1234\r\n", "big5", "big5"),
    ],
)
def test_short_files_are_not_mistaken_for_another_code_page(text, encoding, expected):
    data = text.encode(encoding)
    assert detect_encoding(data) == expected
    assert open_table("a.csv", data, Limits()).headers == text.split("\r\n")[0].split(",")
