"""`kht import` run as a user would: a real process, its output, its exit code."""

from __future__ import annotations

import json

from sqlalchemy import select

from kht.customers.models import Customer
from kht.testing import add_user
from tests.importing.conftest import csv_bytes, xlsx_bytes
from tests.test_cli import kht


def names(runtime) -> list[str]:
    with runtime.ctx() as ctx:
        return list(ctx.session.scalars(select(Customer.name).order_by(Customer.id)))


def test_kht_import_reads_a_file_with_a_mapping_and_reports_problems(
    kht_runtime, kht_db_url, tmp_path
):
    runtime = kht_runtime()
    add_user(runtime, "mgr", "sales_manager", department="Sales")
    source = tmp_path / "客户.xlsx"
    source.write_bytes(
        xlsx_bytes([["单位", "电话", "类型"], ["甲公司", 10, "公司"], ["乙公司", 20, "外星"]])
    )
    mapping = json.dumps({"单位": "name"}, ensure_ascii=False)
    refused = kht(
        kht_db_url, "import", str(source), "--kind", "customer", "--mapping", mapping, "--as", "mgr"
    )
    assert refused.returncode == 1, refused.stderr
    assert "nothing written" in refused.stdout and "row 3, column 类型" in refused.stdout
    report = tmp_path / "客户.xlsx.errors.csv"
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")
    assert names(runtime) == []
    kept = kht(
        kht_db_url, "import", str(source), "--mapping", mapping, "--commit-valid", "--as", "mgr"
    )
    assert kept.returncode == 0, kept.stderr
    assert "imported: 2 rows, 1 created" in kept.stdout
    assert names(runtime) == ["甲公司"]


def test_kht_import_dry_run_dedupe_and_unknown_columns(kht_runtime, kht_db_url, tmp_path):
    runtime = kht_runtime()
    add_user(runtime, "mgr", "sales_manager", department="Sales")
    source = tmp_path / "a.csv"
    source.write_bytes(csv_bytes([["名称", "生肖"], ["甲", "龙"], ["乙", "蛇"]], encoding="gbk"))
    dry = kht(kht_db_url, "import", str(source), "--dry-run", "--as", "mgr")
    assert dry.returncode == 0 and "dry run: nothing written: 2 rows, 2 created" in dry.stdout
    assert "生肖" in dry.stderr and "ignored" in dry.stderr
    assert names(runtime) == []
    assert kht(kht_db_url, "import", str(source), "--as", "mgr").returncode == 0
    again = kht(kht_db_url, "import", str(source), "--dedupe", "skip", "--as", "mgr")
    assert "0 created" in again.stdout and "2 skipped" in again.stdout
    assert names(runtime) == ["甲", "乙"]


def test_kht_import_refuses_unknown_users_and_forbidden_imports(kht_runtime, kht_db_url, tmp_path):
    runtime = kht_runtime()
    add_user(runtime, "rep", "sales_rep")
    source = tmp_path / "a.csv"
    source.write_bytes(b"name\nA\n")
    nobody = kht(kht_db_url, "import", str(source), "--as", "nobody")
    assert nobody.returncode == 1 and "no active user 'nobody'" in nobody.stderr
    rep = kht(kht_db_url, "import", str(source), "--as", "rep")
    assert rep.returncode == 1 and "may not import" in rep.stderr
    assert "Traceback" not in rep.stderr + nobody.stderr
