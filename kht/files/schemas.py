"""File API types: what the API returns about an attached file (never its bytes)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class FileOut(msgspec.Struct, kw_only=True):
    """An attached file; download it from `/api/v1/files/{id}/download`."""

    id: int
    kind: str
    record_id: int
    filename: str
    content_type: str
    size: int
    uploaded_by_id: int | None
    uploaded_at: datetime


class FileList(msgspec.Struct, kw_only=True):
    items: list[FileOut]
    total: int
