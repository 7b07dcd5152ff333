"""Checks an uploaded file passes before any parser sees it: size, zip bombs, XML entities."""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, BinaryIO

import msgspec

from kht.errors import KhtError, ValidationError

MB = 1024 * 1024
# An XML declaration of a document type or entity: the door to entity expansion ("billion
# laughs") and external entities. Spreadsheets never need one.
_DECLARATION = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)
_XML_PARTS = (".xml", ".rels", ".vml")
_CHUNK = 64 * 1024


class FileTooLarge(KhtError, status=413, code="too_large"):
    """The upload is over the size limit."""


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """How much an import may read: upload bytes, unpacked bytes, zip entries, ratio."""

    max_bytes: int = 20 * MB
    max_unpacked: int = 200 * MB
    max_entries: int = 1000
    max_ratio: int = 100
    background_rows: int = 2000

    @classmethod
    def of(cls, settings: Any) -> Limits:
        """Limits from settings fields `import_*` when present, else KHT_IMPORT_* variables."""
        values = {}
        for name in cls.__struct_fields__:
            configured = getattr(settings, f"import_{name}", None)
            raw = os.environ.get(f"KHT_IMPORT_{name.upper()}")
            if configured is not None:
                values[name] = int(configured)
            elif raw and raw.strip().isdigit():
                values[name] = int(raw)
        return cls(**values)


def check_size(size: int, limits: Limits) -> None:
    """Refuse an upload over `max_bytes` (413)."""
    if size > limits.max_bytes:
        raise FileTooLarge(
            f"the file is {size / MB:.1f} MB; the limit is {limits.max_bytes / MB:.0f} MB",
            "file",
        )


# A file's bytes, or a function that opens them as a binary file (a stored upload).
Source = bytes | Callable[[], BinaryIO]


def open_source(source: Source) -> BinaryIO:
    """A fresh binary file over `source`."""
    return io.BytesIO(source) if isinstance(source, bytes) else source()


def check_xlsx(source: Source, limits: Limits) -> None:
    """Refuse an .xlsx that is no zip, unpacks too large or too far, or declares XML entities.

    Declared sizes are checked first (cheap), then every member is actually inflated in
    chunks, counting bytes, so a zip that lies about its sizes is caught too.
    """
    with open_source(source) as stream:
        if not stream.read(4).startswith(b"PK\x03\x04"):
            raise ValidationError("this is not an .xlsx file (save it from Excel as .xlsx)", "file")
        _check_archive(stream, limits)


def _check_archive(stream: BinaryIO, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_declared(members, limits)
            total = 0
            for member in members:
                total += _inflate(archive, member, limits, total)
    except NotImplementedError:  # before RuntimeError, its base class
        raise ValidationError(
            "the .xlsx file is compressed in a way that cannot be read; save it again from Excel",
            "file",
        ) from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise ValidationError(
            "the .xlsx file is password-protected; save it from Excel without a password", "file"
        ) from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,  # a member whose compressed bytes are corrupt
        EOFError,
    ) as exc:
        raise ValidationError(f"the .xlsx file is damaged ({exc})", "file") from None


def _check_declared(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.max_entries:
        raise ValidationError(
            f"the .xlsx file has {len(members)} parts; at most {limits.max_entries} are allowed",
            "file",
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked:
        raise ValidationError(_too_big(limits), "file")
    for member in members:
        if member.file_size > MB and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                f"the .xlsx part {member.filename} is compressed suspiciously far "
                f"(more than {limits.max_ratio}:1); refusing it as a possible zip bomb",
                "file",
            )


def _too_big(limits: Limits) -> str:
    return f"the .xlsx file unpacks to more than {limits.max_unpacked / MB:.0f} MB"


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits, so_far: int) -> int:
    """Inflate one member, counting bytes; scan XML parts for DOCTYPE/ENTITY. Returns its size."""
    is_xml = member.filename.lower().endswith(_XML_PARTS)
    size, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if size == 0 and is_xml:
                _check_encoding(member.filename, chunk)
            size += len(chunk)
            if so_far + size > limits.max_unpacked:
                raise ValidationError(_too_big(limits), "file")
            if is_xml:
                window = tail + chunk
                if _DECLARATION.search(window):
                    raise ValidationError(
                        f"the .xlsx part {member.filename} declares a DOCTYPE or ENTITY; "
                        "such files are refused (XML entity attacks)",
                        "file",
                    )
                tail = window[-32:]
    return size


def _check_encoding(name: str, head: bytes) -> None:
    # A UTF-16 part would hide a declaration from the byte scan: spreadsheets use UTF-8.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        raise ValidationError(f"the .xlsx part {name} is not UTF-8 XML", "file")


__all__ = ["FileTooLarge", "Limits", "Source", "check_size", "check_xlsx", "open_source"]
