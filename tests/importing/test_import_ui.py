"""The import wizard in the browser: upload → mapping → preview → run → job page."""

from __future__ import annotations

import re

from kht.testing import csrf_token, log_in
from tests.importing.conftest import csv_bytes


def browser(world, login: str):
    client = world.client(login)
    client.headers.pop("Authorization")
    log_in(client, login)
    return client


def test_the_wizard_imports_a_file_step_by_step(world):
    rows = [
        ["公司名称", "座机", "类型", "星座"],
        ["甲公司", "010-1", "公司", "白羊"],
        ["乙公司", "010-2", "外星", "金牛"],
        ["丙公司", "010-3", "个人", "双子"],
    ]
    with browser(world, "mgr") as client:
        page = client.get("/import")
        assert page.status_code == 200 and 'id="upload-form"' in page.text
        uploaded = client.post(
            "/import",
            files={"file": ("客户.csv", csv_bytes(rows, encoding="gbk"), "text/csv")},
            data={"kind": "customer", "_csrf_token": csrf_token(client)},
            follow_redirects=False,
        )
        assert uploaded.status_code == 303, uploaded.text
        mapping_url = uploaded.headers["location"]
        import_id = int(re.search(r"/import/(\d+)/mapping", mapping_url).group(1))
        mapping = client.get(mapping_url)
        assert mapping.status_code == 200
        assert '<option value="name" selected>' in mapping.text  # 公司名称 matched
        assert "010-1 · 010-2 · 010-3" in mapping.text
        chosen = {
            "map.0": "name",
            "map.1": "phone",
            "map.2": "kind",
            "map.3": "",
            "_csrf_token": csrf_token(client),
        }
        mapped = client.post(mapping_url, data=chosen, follow_redirects=False)
        assert mapped.status_code == 303 and mapped.headers["location"].endswith("/preview")
        preview = client.get(mapped.headers["location"])
        assert preview.status_code == 200
        assert "星座" in preview.text and 'class="table-danger" data-row="3"' in preview.text
        assert world.customers() == []
        ran = client.post(
            f"/import/{import_id}/run",
            follow_redirects=False,
            data={"dedupe": "skip", "mode": "commit_valid", "_csrf_token": csrf_token(client)},
        )
        assert ran.status_code == 303 and ran.headers["location"] == f"/jobs/{import_id}"
        result = client.get(ran.headers["location"])
        assert 'id="result-created">2<' in result.text and 'id="result-failed">1<' in result.text
        report = client.get(f"/import/{import_id}/errors.csv")
        assert report.status_code == 200 and "外星" in report.content.decode("utf-8-sig")
    assert world.names() == ["甲公司", "丙公司"]


def test_the_wizard_shows_upload_and_mapping_problems_on_the_page(world):
    with browser(world, "mgr") as client:
        bad = client.post(
            "/import",
            files={"file": ("x.pdf", b"%PDF", "application/pdf")},
            data={"kind": "customer", "_csrf_token": csrf_token(client)},
        )
        assert bad.status_code == 422 and 'id="import-error"' in bad.text
        ok = client.post(
            "/import",
            files={"file": ("x.csv", b"name,phone\nA,1\n", "text/csv")},
            data={"kind": "customer", "_csrf_token": csrf_token(client)},
            follow_redirects=False,
        )
        url = ok.headers["location"]
        wrong = client.post(
            url, data={"map.0": "", "map.1": "phone", "_csrf_token": csrf_token(client)}
        )
        assert wrong.status_code == 422 and 'id="mapping-error"' in wrong.text
        assert '<option value="phone" selected>' in wrong.text


def test_a_dry_run_from_the_wizard_writes_nothing(world):
    with browser(world, "mgr") as client:
        ok = client.post(
            "/import",
            files={"file": ("x.csv", b"name\nA\nB\n", "text/csv")},
            data={"kind": "customer", "_csrf_token": csrf_token(client)},
            follow_redirects=False,
        )
        import_id = int(ok.headers["location"].split("/")[2])
        ran = client.post(
            f"/import/{import_id}/run",
            data={"dry_run": "1", "mode": "all", "_csrf_token": csrf_token(client)},
        )
        assert ran.status_code == 200 and 'id="result-created">2<' in ran.text
        assert 'id="result-verdict"' in ran.text
    assert world.customers() == []


def test_a_rep_sees_that_they_may_not_import(world):
    with browser(world, "rep") as client:
        page = client.get("/import")
        assert 'id="import-forbidden"' in page.text
        refused = client.post(
            "/import",
            files={"file": ("x.csv", b"name\nA\n", "text/csv")},
            data={"kind": "customer", "_csrf_token": csrf_token(client)},
        )
        assert refused.status_code == 403
