"""Job API: a job's progress and result, and the file it produced (creator or admin only)."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from litestar import Controller, Response, get
from litestar.params import FromPath

from kht.context import Ctx, RequestCtx
from kht.jobs import service
from kht.jobs.models import Job
from kht.jobs.progress import live_progress, pace
from kht.jobs.schemas import JobOut
from kht.records.schemas import out_of

MEDIA_TYPES = {
    ".csv": "text/csv",  # litestar appends "; charset=utf-8" to every text/* type itself
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def media_type_of(name: str) -> str:
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def disposition(name: str) -> str:
    """Content-Disposition for a download; Chinese names via RFC 5987 `filename*`."""
    fallback = "".join(c if c.isascii() and c not in '"\\;' else "_" for c in name) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def download(data: bytes, name: str) -> Response[bytes]:
    """A file download response."""
    return Response(
        content=data,
        media_type=media_type_of(name),
        headers={"Content-Disposition": disposition(name), "X-Content-Type-Options": "nosniff"},
    )


def to_out(ctx: Ctx, job: Job, *, api: bool = True) -> JobOut:
    done, total = live_progress(ctx.session.get_bind(), job)
    base = f"/api/v1/jobs/{job.id}" if api else f"/jobs/{job.id}"
    running = job.status == "running"
    per_second, left = pace(done, total, job.started_at, ctx.now()) if running else (None, None)
    return out_of(
        JobOut,
        job,
        done=done,
        total=total,
        per_second=per_second,
        seconds_left=left,
        result=job.result or {},
        output_url=f"{base}/output" if job.output_name and job.status == "done" else None,
        page_url=f"/jobs/{job.id}",
    )


class JobController(Controller):
    path = "/api/v1/jobs"
    tags = ["jobs"]

    @get("/{job_id:int}", sync_to_thread=True)
    def get_job(self, ctx: RequestCtx, job_id: FromPath[int]) -> JobOut:
        """A job's status and progress (only its creator or an administrator)."""
        return to_out(ctx, service.get_job(ctx, job_id))

    @get("/{job_id:int}/output", sync_to_thread=True)
    def get_output(self, ctx: RequestCtx, job_id: FromPath[int]) -> Response[bytes]:
        """The file a finished job produced (an export, or an import's error report)."""
        name, data = service.output_of(ctx, job_id)
        return download(data, name)
