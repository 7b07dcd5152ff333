"""Jobs: work that runs in the background worker (big imports and exports), with progress.

A job row is created `queued` by a service and handed to the worker after the creating
transaction commits (so the worker never looks for a row it cannot see yet). The worker
claims it (`running`), runs the handler of its type as the user who created it, and stores
`done` with the result and output file, or `failed` with a message. Only the creator and
administrators can see a job. Import drafts (uploaded, not yet run) are jobs in `draft`.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from kht.auth.principal import load_principal
from kht.context import Ctx
from kht.errors import KhtError, NotAuthenticated, NotFound
from kht.jobs.models import Job
from kht.jobs.progress import ProgressBoard
from kht.jobs.stored_input import store_input

log = logging.getLogger("kht.jobs")

Status = Literal["draft", "queued", "running", "done", "failed"]
# Job type -> "module:function" of its handler: handler(ctx, job, progress) does the work in
# ctx's transaction and fills in job.result / job.output_*; the runner marks it done.
HANDLERS = {
    "import": "kht.importing.service:run_import_job",
    "export": "kht.exporting.service:run_export_job",
}


def create_job(
    ctx: Ctx,
    type_: str,
    *,
    params: dict[str, Any] | None = None,
    status: Status = "queued",
    total: int = 0,
    input_name: str = "",
    input_data: bytes | None = None,
) -> Job:
    """A new job owned by the acting user (not yet handed to the worker: see `enqueue`).

    `input_data` is kept as its upload (`kht.jobs.stored_input`).
    """
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    job = Job(
        type=type_,
        status=status,
        params=params or {},
        total=total,
        input_name=input_name,
        created_by_id=ctx.user_id,
        created_at=ctx.now(),
    )
    ctx.session.add(job)
    ctx.session.flush()
    if input_data is not None:
        store_input(ctx.session, job.id, input_data)
    return job


def is_admin(user: Any) -> bool:
    """Superusers and holders of the administrator role (it grants `admin` on users)."""
    return bool(user.is_admin or user.can("users", "admin"))


def get_job(ctx: Ctx, job_id: int, *, type_: str | None = None) -> Job:
    """A job of the acting user (any job for an administrator), else NotFound."""
    if ctx.user is None:
        raise NotAuthenticated("log in first")
    job = ctx.session.get(Job, job_id)
    mine = job is not None and (job.created_by_id == ctx.user_id or is_admin(ctx.user))
    if not mine or (type_ is not None and job.type != type_):
        raise NotFound(f"job {job_id} not found")
    return job


def enqueue(ctx: Ctx, job: Job) -> None:
    """Mark `job` queued and hand it to the worker once this transaction has committed."""
    from kht.jobs.worker import submit

    job.status = "queued"
    ctx.session.flush()
    job_id, settings = job.id, ctx.settings
    event.listen(ctx.session, "after_commit", lambda _session: submit(settings, job_id), once=True)


def finish(ctx: Ctx, job: Job, *, result: dict[str, Any], done: int, total: int) -> None:
    """Store a job's outcome in ctx's transaction (it commits with the job's work)."""
    job.status = "done"
    job.result = result
    job.done, job.total = done, total
    job.finished_at = ctx.now()
    ctx.session.flush()


def handler_of(type_: str) -> Callable[[Ctx, Job, ProgressBoard], None]:
    path = HANDLERS.get(type_)
    if path is None:
        raise NotFound(f"no handler for jobs of type {type_!r}")
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _claim(runtime: Any, job_id: int) -> bool:
    """Move a queued job to running; False if it is gone or someone else took it."""
    from kht.db.base import utcnow

    with Session(runtime.engine) as session, session.begin():
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(status="running", started_at=utcnow())
        )
        return claimed.rowcount == 1


def _fail(runtime: Any, job_id: int, message: str) -> None:
    from kht.db.base import utcnow

    with Session(runtime.engine) as session, session.begin():
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="failed", message=message[:2000], finished_at=utcnow())
        )


def run_job(runtime: Any, job_id: int) -> str:
    """Run one queued job to its end (the worker's task; tests call it directly).

    Returns the final status. Errors a user can act on become the job's message; anything
    else is logged with its traceback and reported as an internal error.
    """
    if not _claim(runtime, job_id):
        return "skipped"
    board = ProgressBoard(runtime.engine, job_id)
    try:
        with runtime.ctx() as ctx:
            job = ctx.session.get(Job, job_id)
            ctx.user = load_principal(ctx.session, job.created_by_id) if job.created_by_id else None
            if ctx.user is None:
                raise NotAuthenticated("the user who started this job is no longer active")
            ctx.language = ctx.user.language
            handler_of(job.type)(ctx, job, board)
            job.status = "done"
            job.finished_at = job.finished_at or ctx.now()
    except KhtError as exc:
        _fail(runtime, job_id, exc.message)
        return "failed"
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _fail(runtime, job_id, f"internal error ({type(exc).__name__}: {exc})")
        return "failed"
    finally:
        board.clear()
    return "done"


def output_of(ctx: Ctx, job_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of what a finished job produced, else NotFound."""
    job = get_job(ctx, job_id)
    if job.status != "done" or not job.output_name or job.output_data is None:
        raise NotFound(f"job {job_id} has no file to download")
    return job.output_name, job.output_data


__all__ = [
    "HANDLERS",
    "create_job",
    "enqueue",
    "finish",
    "get_job",
    "handler_of",
    "output_of",
    "run_job",
]
