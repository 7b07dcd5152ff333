"""Files attached to records: upload (size-capped), list, download and delete, within scope.

A file belongs to one record (`kind` + `record_id`); whoever can see the record can list and
download its files, whoever can edit it can attach and remove them (and uploaders may always
remove their own). Files live in the database, so every server worker sees them. Adding and
removing a file is recorded in the record's history as a change of `attachment`.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from typing import Any

from sqlalchemy import select

from kht import record_service as records
from kht.context import Ctx
from kht.errors import KhtError, NotFound, ValidationError
from kht.events import RecordUpdated
from kht.files.models import Attachment
from kht.plugin_types import RecordKind
from kht.records import record_kind

MAX_SIZE = 10 * 1024 * 1024
MAX_SIZE_TEXT = "10 MB"
DEFAULT_TYPE = "application/octet-stream"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]+")


class TooLarge(KhtError, status=413, code="too_large"):
    """The upload is bigger than the cap (HTTP 413)."""


def clean_filename(name: str) -> str:
    """The file's own name without any folder part, control or reserved characters; never ''."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 250 - len(extension)] + dot + extension) if dot else name[:255]
    return name or "file"


def content_type_of(filename: str) -> str:
    """The type guessed from the extension (never from the bytes), or a neutral default."""
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or DEFAULT_TYPE


def _record_of(ctx: Ctx, kind: str, record_id: int) -> tuple[RecordKind, Any]:
    """The record's kind and the record itself, if the acting user can see it (else 404)."""
    try:
        spec = record_kind(ctx, kind)
    except NotFound:
        raise ValidationError(f"unknown record kind {kind!r}", "kind") from None
    return spec, records.get_record(ctx, spec, record_id)


def _announce(ctx: Ctx, file: Attachment, before: str | None, after: str | None) -> None:
    ctx.fire(
        RecordUpdated(
            kind=file.kind,
            record_id=file.record_id,
            user_id=ctx.user_id,
            changes={"attachment": [before, after]},
        )
    )


def upload(ctx: Ctx, kind: str, record_id: int, filename: str, data: bytes) -> Attachment:
    """Attach a file to a record the acting user may edit.

    Refuses an empty file (422, field `file`) and one over 10 MB (413, field `file`). The
    stored content type comes from the extension only; downloads are always served as
    attachments, so an uploaded HTML page is never rendered by the browser.
    """
    spec, record = _record_of(ctx, kind, record_id)
    records.require_change(ctx, spec, record)  # a read-only team member may not
    if not data:
        raise ValidationError("the file is empty", "file")
    if len(data) > MAX_SIZE:
        raise TooLarge(f"the file is larger than {MAX_SIZE_TEXT}", "file")
    name = clean_filename(filename)
    file = Attachment(
        kind=spec.kind,
        record_id=record.id,
        filename=name,
        content_type=content_type_of(name),
        size=len(data),
        data=data,
        uploaded_by_id=ctx.user_id,
        uploaded_at=ctx.now(),
    )
    ctx.session.add(file)
    ctx.session.flush()
    _announce(ctx, file, None, name)
    return file


def list_files(ctx: Ctx, kind: str, record_id: int) -> list[Attachment]:
    """The files of a record the acting user can see, newest first (without their bytes)."""
    spec, record = _record_of(ctx, kind, record_id)
    query = select(Attachment).where(
        Attachment.kind == spec.kind, Attachment.record_id == record.id
    )
    return list(ctx.session.scalars(query.order_by(Attachment.id.desc())))


def get_file(ctx: Ctx, file_id: int) -> tuple[Attachment, RecordKind]:
    """A file whose record the acting user can see, and that record's kind; else NotFound."""
    file = ctx.session.get(Attachment, file_id)
    if file is None:
        raise NotFound(f"file {file_id} not found")
    try:
        spec, _ = _record_of(ctx, file.kind, file.record_id)
    except (NotFound, ValidationError):  # out of scope, deleted record, or a disabled kind
        raise NotFound(f"file {file_id} not found") from None
    return file, spec


def download(ctx: Ctx, file_id: int) -> tuple[Attachment, bytes]:
    """A visible file and its bytes."""
    file, _ = get_file(ctx, file_id)
    return file, file.data


def delete_file(ctx: Ctx, file_id: int) -> None:
    """Remove a file: its uploader may, and so may anyone allowed to edit the record."""
    file, spec = get_file(ctx, file_id)
    if file.uploaded_by_id != ctx.user_id:
        records.require_change(ctx, spec, records.get_record(ctx, spec, file.record_id))
    ctx.session.delete(file)
    ctx.session.flush()
    _announce(ctx, file, file.filename, None)


__all__ = [
    "MAX_SIZE",
    "TooLarge",
    "clean_filename",
    "content_type_of",
    "delete_file",
    "download",
    "get_file",
    "list_files",
    "upload",
]
