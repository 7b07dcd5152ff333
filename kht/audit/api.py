"""Audit JSON API: read-only; there is no route that edits or deletes audit rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery

from kht.audit.service import history
from kht.context import RequestCtx
from kht.records.schemas import out_of


class AuditOut(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    user_id: int | None
    kind: str
    record_id: int
    action: str
    changes: dict[str, Any]


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]

    @get("/", sync_to_thread=True)
    def record_history(
        self, ctx: RequestCtx, kind: FromQuery[str], record_id: FromQuery[int]
    ) -> list[AuditOut]:
        """The history of one record (field, old and new value, who, when), newest first."""
        return [out_of(AuditOut, entry) for entry in history(ctx, kind, record_id)]
