"""The UI's export route: the list's Export button downloads, or offers a background job if big."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect

from kht.context import RequestCtx
from kht.exporting.api import WANTED, Wanted, file_response, plural_of
from kht.exporting.service import ExportRequest, plan, start_job
from kht.importing.safety import Limits
from kht.web.pages import render


def _query(wanted: ExportRequest) -> str:
    pairs = [("format", wanted.format), ("q", wanted.q), ("sort", wanted.sort)]
    pairs += [("f", text) for text in wanted.filters]
    pairs += [("columns", text) for text in wanted.columns]
    if wanted.raw:
        pairs.append(("raw", "1"))
    return urlencode(pairs)


class ExportPage(Controller):
    """/<plural>/export; one subclass per exportable kind (see `export_page`)."""

    path = "/customers/export"
    include_in_schema = False
    dependencies = WANTED

    @get("/", sync_to_thread=True)
    def export_list(self, request: Request, ctx: RequestCtx, wanted: Wanted) -> Response[Any]:
        """?format=csv|xlsx&q=&f=field:op:value&sort=&columns=&raw=1 (keys, for re-import)

        Small exports download at once; above the background threshold the page offers to
        prepare the file in the background (a job, started by POSTing the same query string).
        """
        checked = plan(ctx, wanted)
        if checked.total <= Limits.of(ctx.settings).background_rows:
            return file_response(request, ctx, wanted)
        return render(
            request,
            ctx,
            "exporting/confirm.html",
            total=checked.total,
            query=_query(wanted),
            plural=plural_of(request),
        )

    @post("/", sync_to_thread=True)
    def start_export(self, ctx: RequestCtx, wanted: Wanted) -> Redirect:
        """Start the export as a job and show its page (the file is offered there when ready)."""
        return Redirect(f"/jobs/{start_job(ctx, wanted).id}", status_code=303)


def export_page(plural: str) -> type[Controller]:
    """`/<plural>/export` of an exportable kind (built with the kind's routes)."""
    name = "ExportPage" + plural.title().replace("-", "").replace("_", "")
    return type(name, (ExportPage,), {"path": f"/{plural}/export"})
