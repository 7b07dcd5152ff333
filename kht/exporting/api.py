"""Export API: a list (search, filters, sort, columns) as a CSV or .xlsx download, or a job."""

from __future__ import annotations

from typing import Literal

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery
from litestar.response import Stream

from kht.context import Ctx, RequestCtx
from kht.db.engine import open_session
from kht.exporting.service import ExportRequest, kind_of_plural, plan, start_job
from kht.exporting.writers import stream
from kht.jobs.api import disposition, media_type_of, to_out
from kht.jobs.schemas import JobOut

FormatParam = FromQuery[Literal["csv", "xlsx"]]


def plural_of(request: Request) -> str:
    """`customers` from /api/v1/customers/export or /customers/export."""
    return request.url.path.rstrip("/").split("/")[-2]


def wanted_export(
    request: Request,
    ctx: RequestCtx,
    format: FormatParam = "csv",  # noqa: A002 - the query parameter's name
    q: FromQuery[str] = "",
    f: FromQuery[list[str] | None] = None,
    sort: FromQuery[str] = "-updated_at",
    columns: FromQuery[list[str] | None] = None,
    raw: FromQuery[bool] = False,
) -> ExportRequest:
    """The export a request asks for: the kind its path names, the list's search `q`,
    filters `f=field:op:value`, `sort` and `columns`, as `format`; `raw` for keys."""
    return ExportRequest(
        kind=kind_of_plural(ctx, plural_of(request)),
        format=format,  # type: ignore[arg-type]
        q=q,
        filters=list(f or []),
        sort=sort,
        columns=list(columns or []),
        raw=raw,
    )


# The export handlers' parameter `wanted` (the API's and the pages' alike).
WANTED = {"wanted": Provide(wanted_export, sync_to_thread=False)}
Wanted = NamedDependency[ExportRequest]


def file_response(request: Request, ctx: Ctx, wanted: ExportRequest) -> Stream:
    """Check the export now (errors answer 4xx), then stream the file from a fresh session."""
    checked = plan(ctx, wanted)
    factory = request.app.state.session_factory
    zone = getattr(ctx.user, "time_zone", "Asia/Shanghai")
    return Stream(
        stream(checked, lambda: open_session(factory, readonly=True), zone),
        media_type=media_type_of(checked.filename),
        headers={
            "Content-Disposition": disposition(checked.filename),
            "X-Content-Type-Options": "nosniff",
            "X-Total-Count": str(checked.total),
        },
    )


class ExportController(Controller):
    """Export of one list; one subclass per exportable kind (see `export_controller`)."""

    path = "/api/v1/customers/export"
    tags = ["export"]
    dependencies = WANTED

    @get("/", sync_to_thread=True)
    def export_list(self, request: Request, ctx: RequestCtx, wanted: Wanted) -> Stream:
        """Customers, contacts or leads in scope matching `q` and `f=field:op:value`, as a file.

        `columns=name,phone` picks columns (default: the list's default columns). Values are
        labels in the caller's language (choices, stages, yes/no; users, customers, product
        lines by name); `raw=true` exports the keys and ids instead (users by login), for
        re-import. Needs the `export` permission. The file streams: memory stays flat.
        """
        return file_response(request, ctx, wanted)

    @post("/", sync_to_thread=True, status_code=202)
    def start_export(
        self, ctx: RequestCtx, wanted: Wanted, background: FromQuery[bool] = True
    ) -> Response[JobOut]:
        """The same export as a background job (`?background=1`): 202 and the job to poll."""
        return Response(to_out(ctx, start_job(ctx, wanted)), status_code=202)


def export_controller(plural: str) -> type[Controller]:
    """`/api/v1/<plural>/export` of an exportable kind (built with the kind's API)."""
    # Separate controller classes, because litestar wraps a sync handler again each time the
    # same handler object is registered on another path.
    name = "Export" + plural.title().replace("-", "").replace("_", "")
    return type(name, (ExportController,), {"path": f"/api/v1/{plural}/export"})
