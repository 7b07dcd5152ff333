"""Two `kht worker` processes on one Redis queue: every job runs once, and a worker killed
mid-job leaves its job to the other, which finishes it without a duplicate.

Real processes, the real Redis `make services` starts; each test has its own queue (a
`KHT_REDIS_PREFIX` of its own) and waits on conditions, never on fixed sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.customers.models import Customer
from kht.db.engine import read_only
from kht.jobs import worker
from kht.jobs.models import Job
from kht.jobs.service import create_job, enqueue
from kht.testing import add_user

redis = pytest.importorskip("redis")

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[2]
GATE_PATH = Path(__file__).resolve().parent / "gate"
LEASE_SECONDS = 3
DEADLINE_SECONDS = 90  # the machine is shared: starting a worker alone can take 10 s


def wait_for(condition: Callable[[], object], what: str, seconds: float = DEADLINE_SECONDS):
    """Poll `condition` until it is true; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def queue(monkeypatch) -> Iterator[str]:
    """A Redis queue of this test's own, emptied afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # `make services` starts Redis; without it this test cannot run
    prefix = f"kht-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("KHT_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("KHT_REDIS_PREFIX", prefix)
    worker.forget_queues()
    yield prefix
    worker.forget_queues()
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


@pytest.fixture
def workers(kht_db_url, queue) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start `kht worker` processes on this test's database and queue; all stopped after."""
    started: list[tuple[subprocess.Popen, object]] = []
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(GATE_PATH), str(ROOT), os.environ.get("PYTHONPATH")])
        ),
        "KHT_DATABASE_URL": kht_db_url,
        "KHT_REDIS_URL": REDIS_URL,
        "KHT_REDIS_PREFIX": queue,
        "KHT_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        "KHT_TEST_GATED_JOBS": "1",
    }

    def start() -> subprocess.Popen:
        log = tempfile.TemporaryFile("w+", encoding="utf-8")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "kht", "worker", "--workers", "2"],
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.seek(0)
        output = log.read()
        log.close()
        if "Traceback" in output and "KeyboardInterrupt" not in output:
            print(output)  # shown with a failure


def queue_gated(runtime, user_id: int, folder: Path, names: list[str], gate: str = "") -> list[int]:
    """Queue one `gated` job per name, as `user_id`; the job ids."""
    from kht.auth.principal import load_principal

    ids = []
    with runtime.ctx() as ctx:
        ctx.user = load_principal(ctx.session, user_id)
        for name in names:
            params = {"folder": str(folder), "name": name, "gate": gate}
            job = create_job(ctx, "gated", params=params)
            enqueue(ctx, job)
            ids.append(job.id)
    return ids


def jobs_of(runtime, ids: list[int]) -> list[Job]:
    # Read-only sessions: on SQLite they never wait for the workers' write lock.
    with Session(read_only(runtime.engine), expire_on_commit=False) as session:
        return list(session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.id)))


def customer_names(runtime) -> list[str]:
    with Session(read_only(runtime.engine)) as session:
        return sorted(session.scalars(select(Customer.name)))


def runs(folder: Path) -> list[tuple[int, int, int]]:
    """(job id, attempt, worker pid) of every run started."""
    found = []
    for mark in folder.glob("*.started"):
        job_id, attempt, pid = mark.stem.split("-")
        found.append((int(job_id), int(attempt), int(pid)))
    return sorted(found)


def test_two_workers_run_every_job_exactly_once(kht_runtime, workers, tmp_path):
    runtime = kht_runtime()
    user_id = add_user(runtime, "boss", "administrator")
    first, second = workers(), workers()
    names = [f"客户{i:02d}" for i in range(16)]
    ids = queue_gated(runtime, user_id, tmp_path, names)

    def all_done():
        return all(job.status == "done" for job in jobs_of(runtime, ids))

    wait_for(all_done, "16 jobs done by two workers")
    assert customer_names(runtime) == sorted(names)  # each job's work committed once
    # Every run started is an attempt the job counted: a second one only where the database
    # was too busy for the first (a loaded machine), and it rolled back.
    started = runs(tmp_path)
    counted = {job.id: job.attempts for job in jobs_of(runtime, ids)}
    assert sorted({job_id for job_id, _, _ in started}) == ids
    assert all(len([r for r in started if r[0] == i]) == n for i, n in counted.items())
    assert {pid for _, _, pid in started} <= {first.pid, second.pid}


def test_a_job_whose_worker_is_killed_is_finished_by_the_other_once(kht_runtime, workers, tmp_path):
    runtime = kht_runtime()
    user_id = add_user(runtime, "boss", "administrator")
    processes = {process.pid: process for process in (workers(), workers())}
    [job_id] = queue_gated(runtime, user_id, tmp_path, ["半途客户"], gate="open")

    # The first run has written its customer (uncommitted) and waits at the gate. While its
    # worker lives it renews the lease: two lease times pass and nobody else starts it.
    [(_, attempt, victim)] = wait_for(lambda: runs(tmp_path), "the first run to start")
    assert attempt == 1
    watched_until = time.monotonic() + 2 * LEASE_SECONDS
    while time.monotonic() < watched_until:
        assert len(runs(tmp_path)) == 1, "a live worker's job was taken over"
        time.sleep(0.1)
    # Now kill it.
    processes[victim].send_signal(signal.SIGKILL)
    processes[victim].wait(timeout=20)
    (tmp_path / "open").touch()

    [job] = wait_for(
        lambda: [j for j in jobs_of(runtime, [job_id]) if j.status not in ("queued", "running")],
        "the other worker to finish the job",
    )
    assert job.status == "done", job.message
    assert job.attempts == 2
    [survivor] = [pid for pid in processes if pid != victim]
    assert runs(tmp_path) == [(job_id, 1, victim), (job_id, 2, survivor)]
    assert job.result == {"pid": survivor}
    # The killed run's customer was never committed: the customer exists once.
    assert customer_names(runtime) == ["半途客户"]
