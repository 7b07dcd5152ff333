"""The report JSON API: the catalogue and one report, thin over kht.reports.service."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.reports import service
from kht.reports.schemas import FavouriteIn, ReportInfo, ReportResult


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]

    @get("/", sync_to_thread=True)
    def list_reports(self, ctx: RequestCtx, q: FromQuery[str] = "") -> list[ReportInfo]:
        """The reports the caller may open, by category; `q` searches titles and
        descriptions in Chinese, English or pinyin (全拼 or initials)."""
        return service.catalogue(ctx, q)

    @get("/{key:str}", sync_to_thread=True)
    def get_report(
        self,
        ctx: RequestCtx,
        key: FromPath[str],
        f: FromQuery[list[str] | None] = None,
        d: FromQuery[list[str] | None] = None,
        m: FromQuery[list[str] | None] = None,
        chart: FromQuery[str] = "",
    ) -> ReportResult:
        """Report `key` in the caller's scope. `f`: list filters `field:op:value` added to
        the report's own; `d`: regroup by one or two `field[:bucket]` (buckets: day, week,
        month, quarter, year, department, department_tree, range:edges); `m`: measures
        `agg[:field]` (count, distinct, sum, avg, min, max). An unknown field, an aggregate
        on a field that is not a number or a bad bucket is a 422 naming it."""
        return service.run_report(
            ctx, key, filters=f or [], dimensions=d or [], measures=m or [], chart=chart
        )

    @put("/{key:str}/favourite", sync_to_thread=True, status_code=204)
    def put_favourite(
        self, ctx: RequestCtx, key: FromPath[str], data: JSONBody[FavouriteIn]
    ) -> None:
        """Mark (`favourite: true`) or unmark a report as one of the caller's favourites."""
        service.set_favourite(ctx, key, data.favourite)


ROUTES = [ReportController]
