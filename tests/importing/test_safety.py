"""Hostile uploads are refused before any parser sees them: size, zip bombs, XML entities."""

from __future__ import annotations

import io
import zipfile

import pytest

from kht.errors import ValidationError
from kht.importing.safety import Limits, check_xlsx
from kht.testing import override_settings
from tests.importing.conftest import csv_bytes, upload, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"


def rewritten(data: bytes, member: str, content: bytes) -> bytes:
    """A copy of the .xlsx `data` with one member replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = content if info.filename == member else source.read(info.filename)
            target.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def refused(client, name: str, data: bytes):
    answer = upload(client, name, data)
    assert 400 <= answer.status_code < 500, answer.text
    return answer


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
)


def test_an_xlsx_declaring_a_doctype_is_refused(world):
    data = rewritten(xlsx_bytes([["名称"], ["甲"]]), SHEET, BILLION_LAUGHS)
    with world.client("mgr") as client:
        answer = refused(client, "bomb.xlsx", data)
    assert answer.status_code == 422 and "DOCTYPE" in answer.json()["message"]


def test_an_external_entity_in_any_xml_part_is_refused():
    xxe = b'<?xml version="1.0"?><!ENTITY xxe SYSTEM "file:///etc/passwd"><Types/>'
    data = rewritten(xlsx_bytes([["名称"]]), "[Content_Types].xml", xxe)
    with pytest.raises(ValidationError, match="ENTITY"):
        check_xlsx(data, Limits())


def test_a_declaration_split_across_read_chunks_is_still_found():
    padding = b"<worksheet>" + b" " * (64 * 1024 - 14)
    data = rewritten(xlsx_bytes([["名称"]]), SHEET, padding + b"<!DOCTYPE x []><x/>")
    with pytest.raises(ValidationError, match="DOCTYPE"):
        check_xlsx(data, Limits())


def test_utf16_xml_parts_are_refused():
    data = rewritten(xlsx_bytes([["名称"]]), SHEET, "<worksheet/>".encode("utf-16"))
    with pytest.raises(ValidationError, match="not UTF-8"):
        check_xlsx(data, Limits())


def test_a_zip_bomb_is_refused_by_its_compression_ratio(world):
    bomb = b"<worksheet><sheetData>" + b"\x20" * (30 * 1024 * 1024) + b"</sheetData></worksheet>"
    data = rewritten(xlsx_bytes([["名称"]]), SHEET, bomb)
    assert len(data) < 200 * 1024
    with world.client("mgr") as client:
        answer = refused(client, "bomb.xlsx", data)
    assert answer.status_code == 422 and "zip bomb" in answer.json()["message"]


def test_an_xlsx_unpacking_past_the_limit_is_refused(world, monkeypatch):
    override_settings(monkeypatch, world.app, import_max_unpacked=2000)
    with world.client("mgr") as client:
        answer = refused(client, "big.xlsx", xlsx_bytes([["名称"], ["甲" * 500]]))
    assert "unpacks to more than" in answer.json()["message"]


def test_an_xlsx_with_too_many_parts_is_refused(world, monkeypatch):
    override_settings(monkeypatch, world.app, import_max_entries=3)
    with world.client("mgr") as client:
        answer = refused(client, "parts.xlsx", xlsx_bytes([["名称"], ["甲"]]))
    assert "parts" in answer.json()["message"]


def test_a_file_named_xlsx_that_is_no_zip_is_refused(world):
    with world.client("mgr") as client:
        answer = refused(client, "fake.xlsx", csv_bytes([["名称"], ["甲"]]))
    assert answer.status_code == 422 and "not an .xlsx" in answer.json()["message"]


def test_a_damaged_zip_is_refused():
    data = xlsx_bytes([["名称"], ["甲"]])
    with pytest.raises(ValidationError, match="damaged|not an .xlsx"):
        check_xlsx(data[: len(data) // 2], Limits())


def _member_flags_and_bytes(
    data: bytes, *, encrypt: bool = False, corrupt: bool = False, method: int | None = None
) -> bytes:
    """`data` with its first member marked encrypted, its compressed bytes garbled, or
    declared as compressed with another `method`."""
    damaged = bytearray(data)
    if method is not None:
        damaged[8:10] = method.to_bytes(2, "little")  # local header
        central = damaged.index(b"PK\x01\x02")
        damaged[central + 10 : central + 12] = method.to_bytes(2, "little")
    if encrypt:
        damaged[6] |= 0x1  # general-purpose flag bit 0, local header
        central = damaged.index(b"PK\x01\x02")
        damaged[central + 8] |= 0x1  # and in the central directory
    if corrupt:
        name_length = int.from_bytes(damaged[26:28], "little")
        extra_length = int.from_bytes(damaged[28:30], "little")
        start = 30 + name_length + extra_length
        for offset in range(start + 2, start + 12):
            damaged[offset] ^= 0xFF
    return bytes(damaged)


def test_an_xlsx_with_corrupt_compressed_bytes_is_a_422_naming_the_file(world):
    data = _member_flags_and_bytes(xlsx_bytes([["名称"], ["甲"]] * 50), corrupt=True)
    with pytest.raises(ValidationError, match="damaged") as refused_here:
        check_xlsx(data, Limits())
    assert refused_here.value.field == "file"
    with world.client("mgr") as client:
        answer = refused(client, "坏的.xlsx", data)
    assert answer.status_code == 422 and answer.json()["field"] == "file"


def test_an_xlsx_compressed_by_an_unknown_method_is_a_422_naming_the_file(world):
    # Method 97 (WavPack): a valid zip entry that zipfile cannot inflate.
    data = _member_flags_and_bytes(xlsx_bytes([["名称"], ["甲"]]), method=97)
    with pytest.raises(ValidationError, match="compressed in a way") as refused_here:
        check_xlsx(data, Limits())
    assert refused_here.value.field == "file"
    with world.client("mgr") as client:
        answer = refused(client, "未知压缩.xlsx", data)
    assert answer.status_code == 422 and answer.json()["field"] == "file"


def test_a_password_protected_xlsx_is_refused_with_a_message(world):
    data = _member_flags_and_bytes(xlsx_bytes([["名称"], ["甲"]]), encrypt=True)
    with world.client("mgr") as client:
        answer = refused(client, "加密.xlsx", data)
    assert answer.status_code == 422 and "password-protected" in answer.json()["message"]


def test_an_upload_over_the_size_limit_gets_413_with_a_message(world, monkeypatch):
    override_settings(monkeypatch, world.app, import_max_bytes=1000)
    with world.client("mgr") as client:
        answer = refused(client, "big.csv", csv_bytes([["名称"]] + [["甲" * 50]] * 30))
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large" and "limit is" in answer.json()["message"]


def test_a_body_over_the_hard_cap_is_refused_before_it_is_read(world):
    from kht.importing.api import MAX_BODY

    with world.client("mgr") as client:
        answer = upload(client, "huge.csv", b"a" * (MAX_BODY + 10))
    assert answer.status_code == 413
