"""The UI's export route: the list's Export button downloads, or offers a background job if big."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from kht.context import RequestCtx
from kht.exporting.api import FormatParam, export_request, file_response
from kht.exporting.service import ExportRequest, plan, start_job
from kht.importing.safety import Limits
from kht.web.pages import render


@get("/customers/export", sync_to_thread=True, include_in_schema=False)
def export_customers(
    request: Request,
    ctx: RequestCtx,
    format: FormatParam = "csv",  # noqa: A002 - the query parameter's name
    q: FromQuery[str] = "",
    f: FromQuery[list[str] | None] = None,
    sort: FromQuery[str] = "-updated_at",
    columns: FromQuery[list[str] | None] = None,
) -> Response[Any]:
    """/customers/export?format=csv|xlsx&q=...&f=field:op:value&sort=...&columns=name,phone

    Small exports download at once; above the background threshold the page offers to
    prepare the file in the background (a job, started by POSTing the same query string).
    """
    wanted = export_request("customer", format, q, f, sort, columns)
    checked = plan(ctx, wanted)
    if checked.total <= Limits.of(ctx.settings).background_rows:
        return file_response(request, ctx, wanted)
    return render(request, ctx, "exporting/confirm.html", total=checked.total, query=_query(wanted))


def _query(wanted: ExportRequest) -> str:
    pairs = [("format", wanted.format), ("q", wanted.q), ("sort", wanted.sort)]
    pairs += [("f", text) for text in wanted.filters]
    pairs += [("columns", text) for text in wanted.columns]
    return urlencode(pairs)


@post("/customers/export", sync_to_thread=True, include_in_schema=False)
def start_export(
    ctx: RequestCtx,
    format: FormatParam = "csv",  # noqa: A002 - the query parameter's name
    q: FromQuery[str] = "",
    f: FromQuery[list[str] | None] = None,
    sort: FromQuery[str] = "-updated_at",
    columns: FromQuery[list[str] | None] = None,
) -> Redirect:
    """Start the export as a job and show its page (the file is offered there when ready)."""
    job = start_job(ctx, export_request("customer", format, q, f, sort, columns))
    return Redirect(f"/jobs/{job.id}", status_code=303)


ROUTES = [export_customers, start_export]
