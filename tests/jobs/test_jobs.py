"""Background jobs: queued by the API, run by the worker's runner, progress and result visible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import update

from kht.auth.models import User
from kht.jobs import worker
from kht.jobs.models import Job
from kht.jobs.progress import ProgressBoard
from kht.jobs.service import run_job
from kht.testing import log_in, override_settings
from tests.importing.conftest import csv_bytes, run, upload

MANY = [["名称", "电话"]] + [[f"客户{i:04d}", f"010-{i:04d}"] for i in range(1200)]


def queued_import(world, client, rows=MANY) -> int:
    import_id = upload(client, "many.csv", csv_bytes(rows)).json()["id"]
    answer = client.post(f"/api/v1/imports/{import_id}/run?background=1", json={})
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "queued"
    return import_id


def test_a_background_import_is_queued_then_run_by_the_worker(world):
    with world.client("mgr") as client:
        job_id = queued_import(world, client)
        assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "queued"
        assert world.customers() == []
        assert run_job(world.runtime, job_id) == "done"
        job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "done" and (job["done"], job["total"]) == (1200, 1200)
    assert job["result"]["created"] == 1200 and job["finished_at"]
    assert len(world.customers()) == 1200
    assert run_job(world.runtime, job_id) == "skipped"  # a job runs once


def test_big_files_go_to_the_worker_without_asking(world, monkeypatch):
    override_settings(monkeypatch, world.app, import_background_rows=10)
    with world.client("mgr") as client:
        import_id = upload(client, "many.csv", csv_bytes(MANY[:20])).json()["id"]
        answer = run(client, import_id)
    assert answer.status_code == 202 and answer.json()["status"] == "queued"


def test_progress_of_a_running_job_is_visible_while_it_runs(world):
    with world.client("mgr") as client:
        job_id = queued_import(world, client)
        assert client.get(f"/api/v1/jobs/{job_id}").json()["per_second"] is None
        started = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
        with world.runtime.ctx() as ctx:
            running = {"status": "running", "started_at": started}
            ctx.session.execute(update(Job).where(Job.id == job_id).values(**running))
        board = ProgressBoard(world.runtime.engine, job_id)
        board(500, 1200, force=True)
        with time_machine.travel(started + timedelta(seconds=10), tick=False):
            job = client.get(f"/api/v1/jobs/{job_id}").json()
            assert (job["status"], job["done"], job["total"]) == ("running", 500, 1200)
            # 500 rows in 10 seconds: 50 a second, 700 left take 14 seconds.
            assert (job["per_second"], job["seconds_left"]) == (50.0, 14)
            client.headers.pop("Authorization")
            log_in(client, "mgr")
            fragment = client.get(f"/jobs/{job_id}/progress").text
        assert 'id="job-pace">500 / 1,200 · 每秒 50 · 剩余 14秒钟<' in fragment
        board.clear()


def test_only_the_creator_or_an_administrator_sees_a_job(world):
    with world.client("mgr") as client:
        job_id = queued_import(world, client)
    with world.client("west") as other:
        assert other.get(f"/api/v1/jobs/{job_id}").status_code == 404
        assert other.get(f"/api/v1/jobs/{job_id}/output").status_code == 404
    with world.client("boss") as admin:
        assert admin.get(f"/api/v1/jobs/{job_id}").status_code == 200


def test_a_job_whose_user_was_deactivated_fails_with_a_message(world):
    with world.client("mgr") as client:
        job_id = queued_import(world, client)
        with world.runtime.ctx() as ctx:
            ctx.session.execute(update(User).where(User.login == "mgr").values(active=False))
        assert run_job(world.runtime, job_id) == "failed"
    with world.client("boss") as admin:
        job = admin.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "failed" and "no longer active" in job["message"]
    assert world.customers() == []


def test_a_failed_background_import_keeps_the_error_report(world):
    rows = MANY[:5] + [["", "x"]]
    with world.client("mgr") as client:
        job_id = queued_import(world, client, rows)
        assert run_job(world.runtime, job_id) == "done"
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["result"]["failed"] == 1 and job["result"]["written"] is False
        report = client.get(job["output_url"])
    assert report.status_code == 200 and report.content.startswith(b"\xef\xbb\xbf")
    assert "6," in report.content.decode("utf-8-sig")


def test_huey_immediate_mode_runs_the_job_when_the_request_commits(world):
    huey, _ = worker.queue_for(world.runtime.settings)
    huey.immediate = True
    with world.client("mgr") as client:
        job_id = queued_import(world, client, MANY[:30])
        job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "done" and job["result"]["created"] == 29


def test_the_job_page_polls_while_running_and_shows_the_result(world):
    with world.client("mgr") as api:
        job_id = queued_import(world, api, MANY[:10] + [["", "bad"]])
    with world.client("mgr") as browser:
        browser.headers.pop("Authorization")
        log_in(browser, "mgr")
        page = browser.get(f"/jobs/{job_id}")
        assert page.status_code == 200
        assert 'hx-trigger="every 1s"' in page.text and 'data-status="queued"' in page.text
        run_job(world.runtime, job_id)
        fragment = browser.get(f"/jobs/{job_id}/progress")
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert "hx-trigger" not in fragment.text and 'data-status="done"' in fragment.text
        assert f'href="/jobs/{job_id}/output"' in fragment.text
        assert 'id="result-failed">1<' in fragment.text
        download = browser.get(f"/jobs/{job_id}/output")
        assert download.status_code == 200 and download.content.startswith(b"\xef\xbb\xbf")
    with world.client("west") as other:
        other.headers.pop("Authorization")
        log_in(other, "west")
        assert other.get(f"/jobs/{job_id}").status_code == 404
