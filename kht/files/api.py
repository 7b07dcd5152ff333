"""File JSON API: upload (multipart), list, download and delete, thin over kht.files.service."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from litestar import Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery

from kht.context import RequestCtx
from kht.errors import ValidationError
from kht.files import service
from kht.files.models import Attachment
from kht.files.schemas import FileList, FileOut
from kht.records.schemas import out_of

# Room above the 10 MB cap for the multipart framing, so the service can answer a slightly
# bigger file with its own message; anything bigger is cut off by litestar with a 413.
REQUEST_LIMIT = service.MAX_SIZE + 2 * 1024 * 1024
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def file_out(file: Attachment) -> FileOut:
    return out_of(FileOut, file)


def read_upload(data: dict[str, Any]) -> tuple[str, int, str, bytes]:
    """(kind, record_id, filename, bytes) of an upload form, or 422 naming the bad field."""
    kind = str(data.get("kind") or "").strip()
    if not kind:
        raise ValidationError("kind is required", "kind")
    record_id = str(data.get("record_id") or "").strip()
    if not record_id.isdigit():
        raise ValidationError("record_id must be a number", "record_id")
    upload = data.get("file")
    if not isinstance(upload, UploadFile):
        raise ValidationError("choose a file to upload", "file")
    # The handler runs in a worker thread: read the spooled file synchronously, one byte past
    # the cap at most.
    content = upload.file.read(service.MAX_SIZE + 1)
    return kind, int(record_id), upload.filename, content


def download_response(file: Attachment, content: bytes) -> Response[bytes]:
    """The bytes as a download: never shown inline, never sniffed into another type."""
    fallback = file.filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        content=content,
        media_type=file.content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file.filename)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


@post("/api/v1/files", request_max_body_size=REQUEST_LIMIT, sync_to_thread=True, tags=["files"])
def upload_file(ctx: RequestCtx, data: Multipart) -> FileOut:
    """Attach a file (multipart fields `kind`, `record_id`, `file`); 413 above 10 MB."""
    kind, record_id, filename, content = read_upload(data)
    return file_out(service.upload(ctx, kind, record_id, filename, content))


@get("/api/v1/files", sync_to_thread=True, tags=["files"])
def list_files(ctx: RequestCtx, kind: FromQuery[str], record_id: FromQuery[int]) -> FileList:
    """The files of one record the caller can see."""
    items = [file_out(f) for f in service.list_files(ctx, kind, record_id)]
    return FileList(items=items, total=len(items))


@get("/api/v1/files/{file_id:int}/download", sync_to_thread=True, tags=["files"])
def download_file(ctx: RequestCtx, file_id: FromPath[int]) -> Response[bytes]:
    """The file's bytes, as an attachment."""
    return download_response(*service.download(ctx, file_id))


@delete("/api/v1/files/{file_id:int}", sync_to_thread=True, tags=["files"])
def delete_file(ctx: RequestCtx, file_id: FromPath[int]) -> None:
    """Remove a file (its uploader, or anyone who may edit the record)."""
    service.delete_file(ctx, file_id)


ROUTES = [upload_file, list_files, download_file, delete_file]
