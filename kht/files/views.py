"""File UI: the upload form and delete button of a record's files panel, and downloads."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht.context import RequestCtx
from kht.files import service
from kht.files.api import REQUEST_LIMIT, Multipart, download_response, read_upload
from kht.web.i18n import N_

# Service messages the error page shows, so the catalog translates them.
MESSAGES = (
    N_("the file is empty"),
    N_("the file is larger than 10 MB"),
    N_("choose a file to upload"),
)


def _back(data: dict[str, Any]) -> str:
    target = data.get("next")
    target = str(target[-1] if isinstance(target, list) else target or "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@post(
    "/files/upload",
    request_max_body_size=REQUEST_LIMIT,
    sync_to_thread=True,
    include_in_schema=False,
)
def upload_from_panel(ctx: RequestCtx, data: Multipart) -> Redirect:
    """The panel's multipart form (with its CSRF field); returns to the record page."""
    kind, record_id, filename, content = read_upload(data)
    service.upload(ctx, kind, record_id, filename, content)
    return Redirect(_back(data), status_code=303)


@get("/files/{file_id:int}/download", sync_to_thread=True, include_in_schema=False)
def download_from_panel(ctx: RequestCtx, file_id: FromPath[int]) -> Response[bytes]:
    return download_response(*service.download(ctx, file_id))


@post("/files/{file_id:int}/delete", sync_to_thread=True, include_in_schema=False)
def delete_from_panel(
    ctx: RequestCtx, file_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    service.delete_file(ctx, file_id)
    return Redirect(_back(data), status_code=303)


ROUTES = [upload_from_panel, download_from_panel, delete_from_panel]
