"""Job pages: progress (polled by htmx every second while the job runs) and the result."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel.dates import format_timedelta
from babel.numbers import format_decimal
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from kht.context import Ctx, RequestCtx
from kht.jobs import service
from kht.jobs.api import download, to_out
from kht.jobs.schemas import JobOut
from kht.web.i18n import N_, translations
from kht.web.pages import render

RUNNING = ("queued", "running")


def pace_text(ctx: Ctx, out: JobOut) -> str:
    """A running job's pace for people: "1,200 of 10,000 · 450 a second · 20 seconds
    left" ("" until the worker has done some rows)."""
    if out.per_second is None:
        return ""
    locale = "zh_CN" if ctx.language.startswith("zh") else "en"
    left = format_timedelta(timedelta(seconds=out.seconds_left or 0), locale=locale)
    message = N_("%(done)s of %(total)s · %(rate)s a second · %(left)s left")
    text = translations(ctx.language).gettext(message)
    return text % {
        "done": format_decimal(out.done, locale=locale),
        "total": format_decimal(out.total, locale=locale),
        "rate": format_decimal(round(out.per_second), locale=locale),
        "left": left,
    }


def job_values(ctx: RequestCtx, job_id: int) -> dict:
    """What the job page and its progress fragment show."""
    job = service.get_job(ctx, job_id)
    out = to_out(ctx, job, api=False)
    percent = int(100 * out.done / out.total) if out.total else (100 if job.status == "done" else 0)
    reverted = (job.result or {}).get("reverted_at")
    return {
        "job": out,
        "pace": pace_text(ctx, out),
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
