"""Live progress of a running job, visible while the job's own transaction is still open.

An import keeps its writes in one transaction until it ends (all-or-nothing), so progress
cannot go through that transaction. On PostgreSQL it is written to the job row by a separate
short autocommit transaction (the job's transaction never touches that row until it ends).
SQLite allows one writer at a time, so there it goes to a small file beside the database
(SQLite deployments are single-host by nature).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, update

from kht.jobs.models import Job

_EVERY_SECONDS = 0.5


def _sidecar_dir(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        return Path(tempfile.gettempdir()) / f"kht-jobs-{os.getpid()}"
    path = Path(database).resolve()
    return path.with_name(f"{path.name}-jobs")


def _sidecar(engine: Engine, job_id: int) -> Path:
    return _sidecar_dir(engine) / f"{job_id}.json"


class ProgressBoard:
    """Writes (done, total) of one job at most twice a second (and always the last one)."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.last = 0.0

    def __call__(self, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < _EVERY_SECONDS:
            return
        self.last = now
        if self.engine.dialect.name == "sqlite":
            self._to_file(done, total)
        else:
            with self.engine.begin() as connection:
                connection.execute(
                    update(Job).where(Job.id == self.job_id).values(done=done, total=total)
                )

    def _to_file(self, done: int, total: int) -> None:
        target = _sidecar(self.engine, self.job_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": done, "total": total}), "utf-8")
        os.replace(temporary, target)  # atomic: a reader sees the old or the new numbers

    def clear(self) -> None:
        """Forget the live numbers once the job row holds the final ones."""
        _sidecar(self.engine, self.job_id).unlink(missing_ok=True)


def pace(
    done: int, total: int, started_at: datetime | None, now: datetime
) -> tuple[float | None, int | None]:
    """(rows per second, seconds left) of a job started at `started_at` that has done
    `done` of `total`; None for what cannot be told yet (not started, nothing done)."""
    if started_at is None or done <= 0:
        return None, None
    elapsed = (now - started_at).total_seconds()
    if elapsed <= 0:
        return None, None
    rate = done / elapsed
    return round(rate, 1), max(0, round((total - done) / rate)) if total >= done else None


def live_progress(engine: Engine, job: Job) -> tuple[int, int]:
    """(done, total) of a job: the live numbers while it runs, else the stored ones."""
    if job.status == "running" and engine.dialect.name == "sqlite":
        try:
            numbers = json.loads(_sidecar(engine, job.id).read_text("utf-8"))
            return int(numbers["done"]), int(numbers["total"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.done, job.total


__all__ = ["ProgressBoard", "live_progress", "pace"]
