"""Value-score UI: the recompute button of the scores panel."""

from __future__ import annotations

from litestar import post
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect

from kht.context import RequestCtx
from kht.value import service


@post("/scores/{kind:str}/{record_id:int}/recompute", sync_to_thread=True, include_in_schema=False)
def recompute_from_panel(
    ctx: RequestCtx, kind: FromPath[str], record_id: FromPath[int], data: URLEncodedBody[dict]
) -> Redirect:
    """Recompute and go back to the record page."""
    service.recompute(ctx, kind, record_id)
    value = data.get("next") or ""
    target = str(value[-1] if isinstance(value, list) else value)
    safe = target.startswith("/") and not target.startswith("//")
    return Redirect(target if safe else "/", status_code=303)


ROUTES = [recompute_from_panel]
