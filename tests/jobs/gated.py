"""A test job type: it marks each run it starts, writes a customer, and may wait at a gate.

Each run leaves `<job id>-<attempt>-<pid>.started` in its folder before it writes, so a test
counts the runs a job got and tells which worker ran them. With a `gate` (a file name) the
run waits, holding its uncommitted customer, until the test creates that file.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from kht.context import Ctx
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.jobs import service as jobs
from kht.jobs.models import Job

GATE_WAIT_SECONDS = 120


def run(ctx: Ctx, job: Job, progress: Any) -> None:
    folder = Path(job.params["folder"])
    (folder / f"{job.id}-{job.attempts}-{os.getpid()}.started").touch()
    create_customer(ctx, CustomerCreate(name=job.params["name"]))
    ctx.session.flush()
    gate = job.params.get("gate")
    if gate:
        deadline = time.monotonic() + GATE_WAIT_SECONDS
        pause = threading.Event()
        while not (folder / gate).exists() and time.monotonic() < deadline:
            pause.wait(0.05)
    jobs.finish(ctx, job, result={"pid": os.getpid()}, done=1, total=1)
