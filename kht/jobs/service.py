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

from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kht.auth.principal import load_principal
from kht.context import Ctx
from kht.db.engine import read_only
from kht.errors import KhtError, NotAuthenticated, NotFound
from kht.jobs.leases import Leases
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


class Superseded(Exception):
    """A run whose job was taken over by a later attempt (its lease lapsed): it must not
    commit."""


def _claim(runtime: Any, job_id: int, *, leased: bool) -> int | None:
    """Start a run of a job: its attempt number, or None when it is not this caller's to run.

    A queued job is claimed; a `running` one too when the caller holds its lease (its last
    worker died). A job that has used up `job_max_attempts` fails instead.
    """
    from kht.db.base import utcnow

    runnable = ("queued", "running") if leased else ("queued",)
    limit = runtime.settings.job_max_attempts
    with Session(runtime.engine) as session, session.begin():
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(runnable), Job.attempts < limit)
            .values(status="running", attempts=Job.attempts + 1, started_at=utcnow())
        )
        if claimed.rowcount == 1:
            return session.scalar(select(Job.attempts).where(Job.id == job_id))
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(runnable), Job.attempts >= limit)
            .values(
                status="failed",
                message=f"the worker stopped while running this job {limit} times",
                finished_at=utcnow(),
            )
        )
        return None


def _fence(ctx: Ctx, job_id: int, attempt: int) -> None:
    """In the run's own transaction: make sure no later attempt took the job over."""
    current = ctx.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempts == attempt)
        .values(attempts=attempt)
        .execution_options(synchronize_session=False)
    )
    if current.rowcount != 1:
        raise Superseded(f"job {job_id}: attempt {attempt} was taken over by a later one")


def _fail(runtime: Any, job_id: int, message: str, attempt: int) -> None:
    from kht.db.base import utcnow

    with Session(runtime.engine) as session, session.begin():
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.attempts == attempt)
            .values(status="failed", message=message[:2000], finished_at=utcnow())
        )


# PostgreSQL's lock and statement timeouts, deadlock and serialisation losers.
BUSY_STATES = frozenset({"55P03", "57014", "40001", "40P01"})


def _busy(exc: OperationalError) -> bool:
    """Whether the database was only busy (worth another attempt), not broken."""
    state = getattr(exc.orig, "sqlstate", None)
    return state in BUSY_STATES or "database is locked" in str(exc.orig)


def lease_name(job_id: int) -> str:
    return f"job:{job_id}"


def run_job(runtime: Any, job_id: int, leases: Leases | None = None) -> str:
    """Run one job to its end (the worker's task; tests call it directly).

    With `leases` (a worker), the run holds the job's lease from before its claim until its
    transaction has ended, and may take over a `running` job whose lease nobody holds. The
    run commits only if it is still the job's latest attempt (`_fence`). The handler's work
    and the job's `done` commit together, so a run cut short leaves nothing half-written.

    Returns the final status ("skipped" when the job was not this caller's to run,
    "superseded" when a later attempt took it over, "retry" when the database was too busy
    and a worker's takeover will queue it again). Errors a user can act on become the
    job's message; anything else is logged with its traceback and reported as an internal
    error.
    """
    if leases is not None and not leases.acquire(lease_name(job_id)):
        return "skipped"
    try:
        attempt = _claim(runtime, job_id, leased=leases is not None)
        if attempt is None:
            return "skipped"
        return _run(runtime, job_id, attempt, leased=leases is not None)
    finally:
        if leases is not None:
            leases.release(lease_name(job_id))


def _run(runtime: Any, job_id: int, attempt: int, *, leased: bool = False) -> str:
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
            ctx.session.flush()
            _fence(ctx, job_id, attempt)
    except Superseded as exc:
        log.warning("%s", exc)
        return "superseded"
    except OperationalError as exc:
        if not (leased and _busy(exc)):
            log.exception("job %s failed", job_id)
            _fail(runtime, job_id, f"internal error ({type(exc).__name__}: {exc})", attempt)
            return "failed"
        # The database was busy (a lock or statement timeout): the job stays `running` with
        # its lease given up, so a worker's takeover queues it again (another attempt).
        log.warning("job %s: database busy, left to be run again: %s", job_id, exc)
        return "retry"
    except KhtError as exc:
        _fail(runtime, job_id, exc.message, attempt)
        return "failed"
    except Exception as exc:
        log.exception("job %s failed", job_id)
        _fail(runtime, job_id, f"internal error ({type(exc).__name__}: {exc})", attempt)
        return "failed"
    finally:
        board.clear()
    return "done"


def reclaim_orphans(runtime: Any, leases: Leases, resubmit: Callable[[int], Any]) -> list[int]:
    """Hand the `running` jobs whose lease nobody holds (their worker died) to the queue
    again; the ids handed over. Each is put back to `queued` under its lease, by one
    worker, so it is queued once however many workers look."""
    with Session(read_only(runtime.engine)) as session:
        running = session.execute(select(Job.id, Job.attempts).where(Job.status == "running")).all()
    orphans = []
    for job_id, attempts in running:
        name = lease_name(job_id)
        if not leases.acquire(name):
            continue  # a live worker runs it
        try:
            with Session(runtime.engine) as session, session.begin():
                back = session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.status == "running", Job.attempts == attempts)
                    .values(status="queued")
                )
            if back.rowcount == 1:
                orphans.append(job_id)
        finally:
            leases.release(name)
    for job_id in orphans:
        log.warning("job %s lost its worker: queued again", job_id)
        resubmit(job_id)
    return orphans


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
    "reclaim_orphans",
    "run_job",
]
