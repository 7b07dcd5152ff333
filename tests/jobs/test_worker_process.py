"""`kht worker` as a real process: it picks a queued job up and runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.importing.conftest import csv_bytes, upload


def test_kht_worker_runs_a_queued_import(world, tmp_path):
    with world.client("mgr") as client:
        import_id = upload(client, "a.csv", csv_bytes([["名称"], ["甲"], ["乙"]])).json()["id"]
        queued = client.post(f"/api/v1/imports/{import_id}/run?background=1", json={})
        assert queued.status_code == 202
    environ = dict(os.environ)
    environ.update(
        {
            "KHT_DATABASE_URL": world.runtime.settings.database_url,
            "KHT_HUEY_PATH": os.environ["KHT_HUEY_PATH"],
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "kht", "worker", "--workers", "1"],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = "queued"
        deadline = time.monotonic() + 60
        with world.client("mgr") as client:
            while status in ("queued", "running") and time.monotonic() < deadline:
                time.sleep(0.3)
                status = client.get(f"/api/v1/jobs/{import_id}").json()["status"]
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert status == "done", output
    assert "kht worker: 1 thread(s)" in output
    assert world.names() == ["甲", "乙"]
