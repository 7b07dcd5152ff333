"""Periodic tasks: the work modules and plugins contribute with `kht_register_periodic_tasks`,
run by `kht worker` on their cron schedules in the company's time zone.

Every minute the worker's dispatcher claims, for each task, its latest scheduled minute (a
row in `periodic_runs` keyed by task and minute) and hands the claimed ones to its threads.
A second worker's claim of the same minute fails on the primary key, so a scheduled minute
runs once however many workers share the queue; a minute missed while no worker ran is
caught up within the task's `catch_up_minutes`, once.

A worker runs a claimed minute under its lease (`run_leased`, see kht.jobs.leases) and
counts the run in `attempts`; a minute begun but never finished whose lease nobody holds
(its worker was killed) is handed to the queue again by another worker while it is still
within the task's catch-up window (`reclaim_orphans`), up to `KHT_JOB_MAX_ATTEMPTS` runs.
The tasks themselves are written to be run again: what they send goes through outboxes
that claim each message, and what they compute is recomputed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kht.clock import company_zone
from kht.db.base import utcnow
from kht.db.engine import read_only
from kht.errors import KhtError
from kht.jobs.models import PeriodicRun
from kht.plugin_types import PeriodicTask

log = logging.getLogger("kht.jobs.periodic")
KEEP_CLAIMS = timedelta(days=7)


def registered(hook: Any) -> dict[str, PeriodicTask]:
    """Every periodic task of the enabled plugins and core modules, by key.

    A key given twice or a cron expression croniter cannot read is an error naming it.
    """
    found: dict[str, PeriodicTask] = {}
    for batch in hook.kht_register_periodic_tasks():
        for task in batch or []:
            if task.key in found:
                raise KhtError(f"periodic task {task.key!r} is registered twice", "key")
            if not croniter.is_valid(task.cron):
                raise KhtError(f"periodic task {task.key!r}: bad cron {task.cron!r}", "cron")
            found[task.key] = task
    return found


def latest_slot(task: PeriodicTask, now: datetime, zone: ZoneInfo) -> datetime | None:
    """The latest minute `task` is scheduled for at or before `now` (UTC), or None when that
    minute is further back than the task catches up."""
    local = now.astimezone(zone).replace(second=0, microsecond=0)
    if croniter.match(task.cron, local):
        slot = local
    else:
        slot = croniter(task.cron, local).get_prev(datetime)
    if local - slot > timedelta(minutes=task.catch_up_minutes):
        return None
    return slot.astimezone(UTC)


def _claim(session: Session, key: str, slot: datetime, now: datetime) -> bool:
    session.add(PeriodicRun(key=key, slot=slot, started_at=now, note="", error=""))
    try:
        session.commit()
    except IntegrityError:  # claimed already (an earlier tick, or another worker)
        session.rollback()
        return False
    return True


def claim_due(runtime: Any, now: datetime | None = None) -> list[tuple[PeriodicTask, datetime]]:
    """Claim the scheduled minute of every task that is due at `now`: (task, slot) pairs this
    caller now owns and must run. Claims older than a week are dropped on the way."""
    now = now or utcnow()
    zone = company_zone(runtime.settings)
    tasks = registered(runtime.plugins().pm.hook)
    claimed = []
    with Session(runtime.engine) as session:
        for key, task in tasks.items():
            slot = latest_slot(task, now, zone)
            if slot is not None and _claim(session, key, slot, now):
                claimed.append((task, slot))
        session.execute(delete(PeriodicRun).where(PeriodicRun.slot < now - KEEP_CLAIMS))
        session.commit()
    return claimed


def run_claimed(runtime: Any, key: str, slot: datetime, task: PeriodicTask | None = None) -> str:
    """Run the task `key` for its claimed minute `slot`; its note or error is kept on the
    claim. The caller that claimed it passes the `task` along; a run queued by name (the
    worker's threads get only the key) looks it up, and skips a task that is no longer
    registered because its plugin was disabled in between."""
    if task is None:
        task = registered(runtime.plugins().pm.hook).get(key)
    note, error = "", ""
    if task is None:
        note = "skipped: not registered any more"
    else:
        try:
            note = str(task.run(runtime) or "")
        except Exception as exc:  # one task's failure must not stop the others
            log.exception("periodic task %s failed", key)
            error = f"{type(exc).__name__}: {exc}"
    with Session(runtime.engine) as session:
        row = session.get(PeriodicRun, (key, slot))
        if row is not None:
            row.finished_at = utcnow()
            row.note, row.error = note[:1000], error[:2000]
            session.commit()
    return error or note


def tick(
    runtime: Any,
    now: datetime | None = None,
    hand_over: Callable[[str, datetime], Any] | None = None,
) -> list[str]:
    """Claim what is due and run it: through `hand_over(key, slot)` (the worker queues each
    on its threads), else here one after another. The keys claimed."""
    claimed = claim_due(runtime, now)
    for task, slot in claimed:
        if hand_over is not None:
            hand_over(task.key, slot)
        else:
            run_claimed(runtime, task.key, slot, task)
    return [task.key for task, _ in claimed]


def lease_name(key: str, slot: datetime) -> str:
    return f"periodic:{key}:{slot.isoformat()}"


def _begin(runtime: Any, key: str, slot: datetime) -> bool:
    """Count a worker's run of a claimed minute; False when it has finished already, or has
    used up its runs (it is then closed with an error)."""
    limit = runtime.settings.job_max_attempts
    unfinished = [
        PeriodicRun.key == key,
        PeriodicRun.slot == slot,
        PeriodicRun.finished_at.is_(None),
    ]
    with Session(runtime.engine) as session, session.begin():
        begun = session.execute(
            update(PeriodicRun)
            .where(*unfinished, PeriodicRun.attempts < limit)
            .values(attempts=PeriodicRun.attempts + 1)
        )
        if begun.rowcount == 1:
            return True
        session.execute(
            update(PeriodicRun)
            .where(*unfinished)
            .values(
                finished_at=utcnow(),
                error=f"the worker stopped while running this task {limit} times",
            )
        )
        return False


def run_leased(runtime: Any, key: str, slot: datetime, leases: Any = None) -> str:
    """The worker's run of a claimed minute: under its lease (another worker running it
    means this one skips), counted, and only while unfinished."""
    name = lease_name(key, slot)
    if leases is not None and not leases.acquire(name):
        return "skipped: running elsewhere"
    try:
        if not _begin(runtime, key, slot):
            return "skipped: finished"
        return run_claimed(runtime, key, slot)
    finally:
        if leases is not None:
            leases.release(name)


def reclaim_orphans(
    runtime: Any,
    leases: Any,
    hand_over: Callable[[str, datetime], Any],
    now: datetime | None = None,
) -> list[str]:
    """Hand over again every minute a worker began and never finished whose lease nobody
    holds, while it is within its task's catch-up window; the keys handed over."""
    now = now or utcnow()
    tasks = registered(runtime.plugins().pm.hook)
    with Session(read_only(runtime.engine)) as session:
        begun = session.execute(
            select(PeriodicRun.key, PeriodicRun.slot).where(
                PeriodicRun.finished_at.is_(None),
                PeriodicRun.attempts > 0,
                PeriodicRun.slot >= now - KEEP_CLAIMS,
            )
        ).all()
    handed = []
    for key, slot in begun:
        task = tasks.get(key)
        slot = slot.replace(tzinfo=UTC) if slot.tzinfo is None else slot
        if task is None or now - slot > timedelta(minutes=task.catch_up_minutes):
            continue
        if leases.held_elsewhere(lease_name(key, slot)):
            continue
        log.warning("periodic task %s (%s) lost its worker: handed over again", key, slot)
        hand_over(key, slot)
        handed.append(key)
    return handed
