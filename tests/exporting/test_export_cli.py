"""`kht export` run as a user would: scope, filters, formats."""

from __future__ import annotations

import csv
import io

import openpyxl

from kht.auth.principal import load_principal
from kht.customers.schemas import CustomerCreate
from kht.customers.service import create_customer
from kht.testing import add_user
from tests.test_cli import kht


def test_kht_export_writes_the_users_scope_as_csv_or_xlsx(kht_runtime, kht_db_url, tmp_path):
    runtime = kht_runtime()
    owners = {
        "mgr": add_user(runtime, "mgr", "sales_manager", department="East"),
        "west": add_user(runtime, "west", "sales_manager", department="West"),
    }
    for login, name in (("mgr", "同方威视"), ("mgr", "=cmd|' /C calc'!A0"), ("west", "西部")):
        with runtime.ctx() as ctx:
            ctx.user = load_principal(ctx.session, owners[login])
            create_customer(ctx, CustomerCreate(name=name))
    target = tmp_path / "out.csv"
    done = kht(
        kht_db_url,
        "export",
        "--as",
        "mgr",
        "--columns",
        "name",
        "--sort",
        "name",
        "-o",
        str(target),
    )
    assert done.returncode == 0, done.stderr
    assert "exported 2 rows" in done.stdout
    content = target.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["名称"], ["'=cmd|' /C calc'!A0"], ["同方威视"]]
    book = tmp_path / "out.xlsx"
    filtered = kht(
        kht_db_url,
        "export",
        "--as",
        "mgr",
        "--filter",
        "name:contains:同方",
        "--columns",
        "name,phone",
        "-o",
        str(book),
    )
    assert filtered.returncode == 0, filtered.stderr
    sheet = openpyxl.load_workbook(book).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["名称", "电话"],
        ["同方威视", None],
    ]
    bad = kht(kht_db_url, "export", "--as", "mgr", "--filter", "name:nope:x", "-o", str(book))
    assert bad.returncode == 1 and "cannot be filtered" in bad.stderr
