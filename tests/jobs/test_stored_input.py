"""An import's upload is read back from its job row piece by piece, never whole."""

from __future__ import annotations

import io
import os

from kht.jobs import stored_input
from kht.jobs.service import create_job, run_job
from kht.jobs.stored_input import input_size, open_input
from tests.importing.conftest import csv_bytes, upload, xlsx_bytes

ROWS = [["名称", "电话"]] + [[f"分段客户{i:04d}", f"021-{i:04d}"] for i in range(300)]


def test_a_stored_upload_reads_and_seeks_like_the_bytes_it_holds(world, monkeypatch):
    monkeypatch.setattr(stored_input, "PIECE", 1000)  # many pieces for a small file
    data = os.urandom(25_000)
    with world.ctx_as("mgr") as ctx:
        job = create_job(ctx, "import", status="draft", input_name="x.bin", input_data=data)
        assert input_size(ctx.session, job.id) == len(data)
        stream = open_input(ctx.session, job.id, len(data))
        assert stream.read(10) == data[:10]
        stream.seek(-7, io.SEEK_END)
        assert stream.read() == data[-7:]
        stream.seek(12_345)
        assert stream.read(3_000) == data[12_345:15_345]
        stream.seek(0)
        assert stream.read() == data


def test_a_job_without_an_upload_has_no_size(world):
    with world.ctx_as("mgr") as ctx:
        job = create_job(ctx, "import", status="draft", input_name="x.csv")
        assert input_size(ctx.session, job.id) is None


def test_imports_run_from_the_stored_upload_in_small_pieces(world, monkeypatch):
    monkeypatch.setattr(stored_input, "PIECE", 512)
    with world.client("mgr") as client:
        for name, data in (("a.csv", csv_bytes(ROWS)), ("b.xlsx", xlsx_bytes(ROWS))):
            import_id = upload(client, name, data).json()["id"]
            answer = client.post(f"/api/v1/imports/{import_id}/run?background=1", json={})
            assert answer.status_code == 202, answer.text
            assert run_job(world.runtime, import_id) == "done"
            job = client.get(f"/api/v1/jobs/{import_id}").json()
            written = job["result"]["created"] + job["result"]["skipped"]
            assert written == 300, job["result"]
    assert sorted(world.names()) == sorted(row[0] for row in ROWS[1:])


def test_a_file_on_disk_is_stored_piece_by_piece_and_reads_back_the_same(
    world, monkeypatch, tmp_path
):
    monkeypatch.setattr(stored_input, "PIECE", 4096)
    data = os.urandom(50_000)
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    with world.ctx_as("mgr") as ctx:
        job = create_job(ctx, "import", status="draft", input_name="upload.bin")
        stored_input.store_input(ctx.session, job.id, lambda: path.open("rb"), len(data))
        assert input_size(ctx.session, job.id) == len(data)
        assert open_input(ctx.session, job.id, len(data)).read() == data
