"""The report JSON API: the catalogue and one report, thin over kht.reports.service."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from kht.context import RequestCtx
from kht.reports import saved, service
from kht.reports.schemas import (
    FavouriteIn,
    ReportInfo,
    ReportResult,
    SavedReportIn,
    SavedReportOut,
    SavedReportUpdate,
)


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

    @post("/{key:str}/copy", sync_to_thread=True, status_code=201)
    def copy_report(self, ctx: RequestCtx, key: FromPath[str]) -> SavedReportOut:
        """A private saved copy of report `key` (a library report or a saved one), to change
        in the builder."""
        return saved.saved_out(ctx, saved.copy_report(ctx, key))


class SavedReportController(Controller):
    """Reports users build: saved definitions run like library reports (`saved.<id>`)."""

    path = "/api/v1/reports/saved"
    tags = ["reports"]

    @get("/", sync_to_thread=True)
    def list_saved(self, ctx: RequestCtx) -> list[SavedReportOut]:
        """The caller's own saved reports and the shared ones they may open."""
        return [saved.saved_out(ctx, report) for report in saved.visible_saved(ctx)]

    @post("/preview", sync_to_thread=True, status_code=200)
    def preview(self, ctx: RequestCtx, data: JSONBody[SavedReportIn]) -> ReportResult:
        """Run a report as the builder describes it, without saving it. A field that is
        unknown or the caller may not see, or an aggregate on a field that is not a number,
        is a 422 naming it."""
        return service.execute(ctx, saved.definition(ctx, data))

    @post("/", sync_to_thread=True, status_code=201)
    def create_saved(self, ctx: RequestCtx, data: JSONBody[SavedReportIn]) -> SavedReportOut:
        """Save a built report: private, or `shared` (needs the Reports create right, else
        403). Checked as the preview is."""
        return saved.saved_out(ctx, saved.create_saved(ctx, data))

    @get("/{report_id:int}", sync_to_thread=True)
    def get_saved(self, ctx: RequestCtx, report_id: FromPath[int]) -> SavedReportOut:
        """One saved report: the caller's or a shared one (someone else's private: 404)."""
        return saved.saved_out(ctx, saved.get_saved(ctx, report_id))

    @patch("/{report_id:int}", sync_to_thread=True)
    def update_saved(
        self, ctx: RequestCtx, report_id: FromPath[int], data: JSONBody[SavedReportUpdate]
    ) -> SavedReportOut:
        """Replace a saved report's definition (its owner; `version` as read, 409 when
        stale)."""
        report = saved.update_saved(ctx, report_id, data, data.version)
        return saved.saved_out(ctx, report)

    @delete("/{report_id:int}", sync_to_thread=True, status_code=204)
    def delete_saved(self, ctx: RequestCtx, report_id: FromPath[int]) -> None:
        """Delete a saved report (its owner, or an administrator of reports)."""
        saved.delete_saved(ctx, report_id)


ROUTES = [ReportController, SavedReportController]
