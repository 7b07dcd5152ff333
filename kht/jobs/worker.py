"""The background worker: a huey queue whose one task, `run_job`, runs a job by id.

The queue lives in a SQLite file beside the database (`<database>-huey.db`, or
KHT_HUEY_PATH), or in Redis when KHT_REDIS_URL is set (several servers, several workers).
`kht worker` runs the consumer; the web app and the CLI only enqueue job ids.

huey hands a message to one consumer and forgets it, so a worker killed mid-job would take
the job with it. Each worker process therefore holds a lease on what it runs
(`kht.jobs.leases`: a Redis lock with a timeout, or a record lock on one host), renews its
leases on a thread, and on another thread hands every `running` job or periodic minute
whose lease nobody holds back to the queue (`reclaim_orphans`, `periodic.reclaim_orphans`).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy.engine import make_url

from kht.config import Settings

log = logging.getLogger("kht.jobs")
QUEUE = "kht"
TASK_NAME = "kht.run_job"
WEBHOOKS_TASK = "kht.deliver_webhooks"
PERIODIC_TASK = "kht.periodic"  # the dispatcher (kht.jobs.periodic)
PERIODIC_RUN_TASK = "kht.run_periodic"
# One huey per queue location and process; each holds the `run_job` task bound to settings.
_QUEUES: dict[str, tuple[Huey, Any]] = {}
_RUNTIMES: dict[str, Any] = {}
_WEBHOOK_TASKS: dict[int, Any] = {}  # id(huey) -> its `deliver_webhooks` task
_PERIODIC_TASKS: dict[int, Any] = {}  # id(huey) -> its `run_periodic` task
# The leases of this worker process (set by `consume`; None where nothing consumes).
_LEASES: dict[str, Any] = {}


def redis_url(settings: Settings | None = None) -> str:
    """KHT_REDIS_URL from the environment, else the settings' (kht.toml)."""
    configured = settings.redis_url.strip() if settings is not None else ""
    return os.environ.get("KHT_REDIS_URL", "").strip() or configured


def redis_prefix(settings: Settings | None = None) -> str:
    """The names kht uses in Redis start with this (KHT_REDIS_PREFIX, default `kht`)."""
    configured = settings.redis_prefix.strip() if settings is not None else ""
    return os.environ.get("KHT_REDIS_PREFIX", "").strip() or configured or QUEUE


def huey_path(settings: Settings) -> Path:
    """Where the SQLite queue lives: KHT_HUEY_PATH, else beside a SQLite database, else in /tmp.

    Several hosts need Redis (KHT_REDIS_URL): a SQLite queue is shared by one host only.
    """
    configured = os.environ.get("KHT_HUEY_PATH", "").strip() or settings.huey_path.strip()
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
    redis = redis_url(settings)
    prefix = redis_prefix(settings)
    key = f"redis:{redis}:{prefix}" if redis else f"sqlite:{huey_path(settings)}"
    if key not in _QUEUES:
        if redis:
            huey: Huey = RedisHuey(prefix, url=redis, results=False)
        else:
            huey = SqliteHuey(QUEUE, filename=str(huey_path(settings)), results=False)
        _QUEUES[key] = (huey, _register(huey, settings, runtime))
    return _QUEUES[key]


def _register(huey: Huey, settings: Settings, runtime: Any) -> Any:
    from kht.jobs.service import run_job as run

    @huey.task(name=TASK_NAME)
    def run_job(job_id: int) -> str:
        return run(runtime or _runtime(settings), job_id, _LEASES.get("leases"))

    @huey.task(name=WEBHOOKS_TASK)
    def deliver_webhooks() -> int:
        """Send the webhook deliveries that are due (handed over after each commit)."""
        from kht.webhooks.outbox import run_deliveries

        return run_deliveries(runtime or _runtime(settings))

    _WEBHOOK_TASKS[id(huey)] = deliver_webhooks

    @huey.task(name=PERIODIC_RUN_TASK)
    def run_periodic(key: str, slot: str) -> str:
        """One periodic task for the scheduled minute this worker claimed."""
        from kht.jobs.periodic import run_leased

        return run_leased(
            runtime or _runtime(settings), key, datetime.fromisoformat(slot), _LEASES.get("leases")
        )

    _PERIODIC_TASKS[id(huey)] = run_periodic

    @huey.periodic_task(crontab(minute="*"), name=PERIODIC_TASK)
    def periodic() -> None:
        """Every minute: claim the periodic tasks that are due (`kht_register_periodic_tasks`)
        and queue each on the worker's threads."""
        from kht.jobs.periodic import tick

        tick(
            runtime or _runtime(settings),
            hand_over=lambda key, slot: run_periodic(key, slot.isoformat()),
        )

    return run_job


def submit(settings: Settings, job_id: int) -> None:
    """Put a job id on the queue (immediate mode runs it right here)."""
    _, task = queue_for(settings)
    task(job_id)


def submit_webhooks(settings: Settings) -> None:
    """Ask the worker to send the queued webhook deliveries now."""
    huey, _ = queue_for(settings)
    _WEBHOOK_TASKS[id(huey)]()


def leases_for(settings: Settings) -> Any:
    """The lease store that goes with the queue: Redis locks, or record locks on one host."""
    from kht.jobs.leases import FileLeases, RedisLeases

    redis = redis_url(settings)
    if redis:
        import redis as redis_client

        client = redis_client.Redis.from_url(redis)
        return RedisLeases(client, redis_prefix(settings), settings.job_lease_seconds)
    queue = huey_path(settings)
    return FileLeases(queue.with_name(f"{queue.name}.leases"))


def _every(seconds: float, stop: threading.Event, work: Any, what: str) -> None:
    """Call `work` every `seconds` until `stop` is set; a failed round is logged, not fatal."""
    while not stop.wait(seconds):
        try:
            work()
        except Exception:
            log.exception("%s failed", what)


def start_lease_keeping(
    settings: Settings, runtime: Any, leases: Any, huey: Huey, stop: threading.Event
) -> list[threading.Thread]:
    """Start this worker's two daemon threads: one renews its leases every third of the
    lease time; the other, every half, queues again what a dead worker left running."""
    from kht.jobs import periodic
    from kht.jobs.service import reclaim_orphans

    _, task = queue_for(settings, runtime)
    run_periodic = _PERIODIC_TASKS[id(huey)]
    seconds = settings.job_lease_seconds

    def reclaim() -> None:
        reclaim_orphans(runtime, leases, task)
        periodic.reclaim_orphans(
            runtime, leases, lambda key, slot: run_periodic(key, slot.isoformat())
        )

    threads = [
        threading.Thread(
            target=_every, args=(seconds / 3, stop, leases.renew, "renewing leases"), daemon=True
        ),
        threading.Thread(
            target=_every, args=(seconds / 2, stop, reclaim, "reclaiming jobs"), daemon=True
        ),
    ]
    for thread in threads:
        thread.start()
    return threads


def consume(settings: Settings, runtime: Any, workers: int) -> None:
    """Run the consumer until interrupted (`kht worker`), holding leases on what it runs."""
    huey, _ = queue_for(settings, runtime)
    leases = _LEASES["leases"] = leases_for(settings)
    stop = threading.Event()
    start_lease_keeping(settings, runtime, leases, huey, stop)
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    try:
        consumer.run()
    finally:
        stop.set()
        _LEASES.pop("leases", None)


def forget_queues() -> None:
    """Drop the per-process queues (tests switch settings and immediate mode)."""
    _QUEUES.clear()
    _RUNTIMES.clear()
    _WEBHOOK_TASKS.clear()
    _PERIODIC_TASKS.clear()
    _LEASES.clear()


__all__ = [
    "consume",
    "forget_queues",
    "huey_path",
    "leases_for",
    "queue_for",
    "redis_prefix",
    "redis_url",
    "submit",
    "submit_webhooks",
]
