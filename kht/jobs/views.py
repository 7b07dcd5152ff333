"""Job pages: progress (polled by htmx every second while the job runs) and the result."""

from __future__ import annotations

from datetime import datetime

from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from kht.context import RequestCtx
from kht.jobs import service
from kht.jobs.api import download, to_out
from kht.web.pages import render

RUNNING = ("queued", "running")


def job_values(ctx: RequestCtx, job_id: int) -> dict:
    """What the job page and its progress fragment show."""
    job = service.get_job(ctx, job_id)
    out = to_out(ctx, job, api=False)
    percent = int(100 * out.done / out.total) if out.total else (100 if job.status == "done" else 0)
    reverted = (job.result or {}).get("reverted_at")
    return {
        "job": out,
        "percent": min(percent, 100),
        "running": job.status in RUNNING,
        "now": ctx.now(),
        "reverted_at": datetime.fromisoformat(reverted) if reverted else None,
    }


@get("/jobs/{job_id:int}", sync_to_thread=True, include_in_schema=False)
def job_page(request: Request, ctx: RequestCtx, job_id: FromPath[int]) -> Template:
    """A job's progress bar, then its result and the file it produced."""
    return render(request, ctx, "jobs/detail.html", **job_values(ctx, job_id))


@get("/jobs/{job_id:int}/progress", sync_to_thread=True, include_in_schema=False)
def job_progress(request: Request, ctx: RequestCtx, job_id: FromPath[int]) -> Template:
    """The progress fragment htmx swaps in; it stops polling once the job has finished."""
    return render(request, ctx, "jobs/_progress.html", **job_values(ctx, job_id))


@get("/jobs/{job_id:int}/output", sync_to_thread=True, include_in_schema=False)
def job_output(ctx: RequestCtx, job_id: FromPath[int]) -> Response[bytes]:
    name, data = service.output_of(ctx, job_id)
    return download(data, name)


ROUTES = [job_page, job_progress, job_output]
