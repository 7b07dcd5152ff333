"""The background worker: a huey queue whose one task, `run_job`, runs a job by id.

The queue lives in a SQLite file beside the database (`<database>-huey.db`, or
KHT_HUEY_PATH), or in Redis when KHT_REDIS_URL is set (several servers, several workers).
`kht worker` runs the consumer; the web app and the CLI only enqueue job ids.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.engine import make_url

from kht.config import Settings

log = logging.getLogger("kht.jobs")
QUEUE = "kht"
TASK_NAME = "kht.run_job"
WEBHOOKS_TASK = "kht.deliver_webhooks"
# One huey per queue location and process; each holds the `run_job` task bound to settings.
_QUEUES: dict[str, tuple[Huey, Any]] = {}
_RUNTIMES: dict[str, Any] = {}
_WEBHOOK_TASKS: dict[int, Any] = {}  # id(huey) -> its `deliver_webhooks` task


def redis_url() -> str:
    """KHT_REDIS_URL (the lead adds it to Settings as `redis_url`)."""
    return os.environ.get("KHT_REDIS_URL", "").strip()


def huey_path(settings: Settings) -> Path:
    """Where the SQLite queue lives: KHT_HUEY_PATH, else beside a SQLite database, else in /tmp.

    Several hosts need Redis (KHT_REDIS_URL): a SQLite queue is shared by one host only.
    """
    configured = os.environ.get("KHT_HUEY_PATH", "").strip()
    if configured:
        return Path(configured)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database).resolve()
        return database.with_name(f"{database.name}-huey.db")
    # A server database: one queue file per database name, shared by this host's processes.
    return Path(tempfile.gettempdir()) / f"kht-huey-{url.database or 'default'}.db"


def _runtime(settings: Settings) -> Any:
    from kht.runtime import Runtime

    key = settings.database_url
    if key not in _RUNTIMES:
        _RUNTIMES[key] = Runtime.from_settings(settings)
    return _RUNTIMES[key]


def queue_for(settings: Settings, runtime: Any = None) -> tuple[Huey, Any]:
    """The huey instance and its `run_job` task for these settings (made once per process)."""
    redis = redis_url()
    key = f"redis:{redis}" if redis else f"sqlite:{huey_path(settings)}"
    if key not in _QUEUES:
        if redis:
            huey: Huey = RedisHuey(QUEUE, url=redis)
        else:
            huey = SqliteHuey(QUEUE, filename=str(huey_path(settings)))
        _QUEUES[key] = (huey, _register(huey, settings, runtime))
    return _QUEUES[key]


def _register(huey: Huey, settings: Settings, runtime: Any) -> Any:
    from kht.jobs.service import run_job as run

    @huey.task(name=TASK_NAME)
    def run_job(job_id: int) -> str:
        return run(runtime or _runtime(settings), job_id)

    @huey.periodic_task(crontab(minute="*"), name="kht.send_reminders")
    def send_reminders() -> None:
        """Every minute: notify (and mail) the reminders of planned actions that are due."""
        from kht.actions.reminders import run_reminders

        run_reminders(runtime or _runtime(settings))

    @huey.task(name=WEBHOOKS_TASK)
    def deliver_webhooks() -> int:
        """Send the webhook deliveries that are due (handed over after each commit)."""
        from kht.webhooks.outbox import run_deliveries

        return run_deliveries(runtime or _runtime(settings))

    _WEBHOOK_TASKS[id(huey)] = deliver_webhooks

    @huey.periodic_task(crontab(minute="*"), name="kht.retry_webhooks")
    def retry_webhooks() -> None:
        """Every minute: webhook retries whose wait is over, and what a hand-over missed."""
        from kht.webhooks.outbox import run_deliveries

        run_deliveries(runtime or _runtime(settings))

    @huey.periodic_task(crontab(minute="*"), name="kht.send_sms")
    def send_sms() -> None:
        """Every minute: the queued SMS that are due (none during the quiet hours)."""
        from kht.sms.service import run

        run(runtime or _runtime(settings))

    @huey.periodic_task(crontab(minute="*"), name="kht.fetch_mail")
    def fetch_mail() -> None:
        """Every minute: read the mail accounts whose poll interval has passed (IMAP)."""
        from kht.db.base import utcnow
        from kht.mail.fetch import fetch_due

        current = runtime or _runtime(settings)
        fetch_due(current.engine, current.settings, utcnow(), plugins=current.plugins())

    @huey.periodic_task(crontab(minute="*"), name="kht.mass_mail")
    def mass_mail() -> None:
        """Every minute: the next batch of each mass send (its rate per minute), sent."""
        from kht.mail.mass_batches import run

        current = runtime or _runtime(settings)
        run(current.engine, current.settings, current.plugins())

    @huey.periodic_task(crontab(minute="*"), name="kht.automation")
    def automation() -> None:
        """Every minute: queue the time rules' runs and carry out every due run (retries,
        runs a stopped server left)."""
        from kht.automation.engine import tick

        tick(runtime or _runtime(settings))

    @huey.periodic_task(crontab(hour="2", minute="30"), name="kht.reclaim_pool")
    def reclaim_pool() -> None:
        """Every night: customers nobody followed up go back to the shared pool."""
        from kht.pool.service import run_reclaim

        run_reclaim(runtime or _runtime(settings))

    @huey.periodic_task(crontab(hour="3", minute="0"), name="kht.rescore")
    def rescore() -> None:
        """Every night: recompute value scores (engagement decays with time, not events)."""
        from kht.value.service import run_rescore

        run_rescore(runtime or _runtime(settings))

    return run_job


def submit(settings: Settings, job_id: int) -> None:
    """Put a job id on the queue (immediate mode runs it right here)."""
    _, task = queue_for(settings)
    task(job_id)


def submit_webhooks(settings: Settings) -> None:
    """Ask the worker to send the queued webhook deliveries now."""
    huey, _ = queue_for(settings)
    _WEBHOOK_TASKS[id(huey)]()


def consume(settings: Settings, runtime: Any, workers: int) -> None:
    """Run the consumer until interrupted (`kht worker`)."""
    huey, _ = queue_for(settings, runtime)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


def forget_queues() -> None:
    """Drop the per-process queues (tests switch settings and immediate mode)."""
    _QUEUES.clear()
    _RUNTIMES.clear()
    _WEBHOOK_TASKS.clear()


__all__ = [
    "consume",
    "forget_queues",
    "huey_path",
    "queue_for",
    "redis_url",
    "submit",
    "submit_webhooks",
]
