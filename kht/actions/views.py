"""Action UI: logging a note or an action from a record page."""

from __future__ import annotations

from typing import Any

from litestar import post
from litestar.params import URLEncodedBody
from litestar.response import Redirect

from kht.actions import service
from kht.actions.schemas import ActionCreate
from kht.context import RequestCtx
from kht.errors import ValidationError


def _back(data: dict[str, Any]) -> str:
    target = str(data.get("next") or "/")
    return target if target.startswith("/") and not target.startswith("//") else "/"


@post("/actions/log", sync_to_thread=True, include_in_schema=False)
def log_from_form(ctx: RequestCtx, data: URLEncodedBody[dict[str, Any]]) -> Redirect:
    """The note form on a record page; returns to that page."""
    try:
        record_id = int(data.get("record_id", ""))
    except ValueError:
        raise ValidationError("record_id must be a number", "record_id") from None
    subject = str(data.get("subject", "")).strip() or str(data.get("body", "")).strip()[:60]
    if not subject:
        raise ValidationError("write something first", "body")
    service.log_action(
        ctx,
        ActionCreate(
            kind=str(data.get("kind", "")),
            record_id=record_id,
            type=data.get("type") or "note",
            subject=subject,
            body=str(data.get("body", "")),
        ),
    )
    return Redirect(_back(data))


ROUTES = [log_from_form]
