"""`python -m bench io`: import and export of many rows, kht against the raw driver, with memory.

    python -m bench io --n 100000 --rows 100000 --db both

Import: a file of `rows` new customers (.csv and .xlsx, realistic Chinese and English names,
the two custom fields) goes through kht's own `kht import FILE --kind customer --as admin`
(upload, mapping, every row validated by the services, dedupe against the customers in
scope, audit, events, search documents), and the same file through the bare path: parse it
(csv module / openpyxl read-only) and `executemany` the same rows into the same tables
(customer, audit row, search document) on the raw DB-API cursor in chunks of 5,000, in one
transaction. Export: `kht export --kind customer --as admin -o
FILE.csv` (scope, columns, value formatting, formula neutralising) against a csv.writer over
one streamed Core SELECT of the same default columns.

Every measurement runs in a fresh child process, so the peak resident memory (ru_maxrss from
wait4) is that one run's; an idle child that only imports kht and opens the runtime gives the
floor. The import is also run at rows/10 to show whether its memory grows with the rows. The
generated database is put back (imported customers, their documents, audit rows and jobs
deleted) after every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.generate import CACHE, ensure_database, settings
from kht import fakedata as fake

CHUNK = 5000
HEADERS = ["客户名称", "类型", "电话", "邮箱", "网址", "地址", "行业", "员工人数"]


# ---------------------------------------------------------------- the files


def import_rows(rows: int, seed: int = 7) -> Iterator[list[Any]]:
    """New customers, unlike any generated one (phones 16x, numbered names and e-mails)."""
    rng = random.Random(seed)
    for i in range(1, rows + 1):
        person = rng.random() < 0.2
        name = fake.person_name(rng) if person else fake.company_name(rng)
        yield [
            f"{name}（导入{i}）",
            "个人" if person else "公司",
            f"16{i:09d}",
            f"import{i}@import{i % 997}.example.com",
            "" if person else f"https://www.import{i % 997}.example.com",
            f"{rng.choice(fake.CITIES)}市{rng.randrange(1, 999)}号",
            rng.choice(fake.INDUSTRIES),
            rng.randrange(1, 20000),
        ]


def ensure_files(rows: int, folder: Path = CACHE) -> dict[str, Path]:
    """The .csv (UTF-8 with BOM, as Excel saves it) and .xlsx files of `rows` rows, cached."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {fmt: folder / f"import_{rows}.{fmt}" for fmt in ("csv", "xlsx")}
    if not paths["csv"].exists():
        partial = paths["csv"].with_suffix(".part")
        with partial.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            writer.writerows(import_rows(rows))
        partial.rename(paths["csv"])
    if not paths["xlsx"].exists():
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("客户")
        sheet.append(HEADERS)
        for row in import_rows(rows):
            sheet.append(row)
        partial = paths["xlsx"].with_suffix(".part")
        book.save(partial)
        partial.rename(paths["xlsx"])
    documents = folder / f"import_{rows}.documents"
    if not documents.exists():
        _write_documents(documents, rows)
    return paths


def _write_documents(path: Path, rows: int) -> None:
    """The subtitle and tokens of each row's search document, as kht builds them.

    Made once, before any timing, so the raw baseline writes the same document rows as kht
    (the same text for the full-text index to take apart) without tokenising in its run.
    """
    from types import SimpleNamespace

    from kht.search.documents import build_document

    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8") as out:
        for name, _kind, phone, email, *_rest in import_rows(rows):
            row = SimpleNamespace(
                id=0, owner_id=None, name=name, phone=phone, mobile="", email=email,
                company="", ext={},
            )  # fmt: skip
            document = build_document("customer", row, [])
            out.write(f"{document['subtitle']}\t{document['tokens']}\n")
    partial.rename(path)


def read_file(path: Path) -> Iterator[list[Any]]:
    """The data rows of a .csv or .xlsx file (header skipped), as the bare path reads them."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as source:
            reader = csv.reader(source)
            next(reader)
            yield from reader
        return
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        next(rows)
        for row in rows:
            yield ["" if v is None else v for v in row]
    finally:
        book.close()


# ---------------------------------------------------------------- the child processes


def _runtime(url: str) -> Any:
    os.environ.setdefault("KHT_INSECURE_FAST_PASSWORD_HASHING", "1")
    from kht.runtime import Runtime

    return Runtime.from_settings(settings(url))


def _kht_cli(url: str, args: list[str]) -> float:
    """Run a `kht` command in this process; the seconds the command itself took."""
    from kht.cli import _add_plugin_commands, cli

    runtime = _runtime(url)
    _add_plugin_commands(runtime)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - its summary lines
    try:
        started = time.perf_counter()
        cli.main(args, obj=runtime, standalone_mode=False)
        return time.perf_counter() - started
    finally:
        sys.stdout = sys.__stdout__
        runtime.engine.dispose()


def _raw_insert(url: str, path: Path) -> int:
    """Parse the file and executemany the same rows into the same tables kht writes.

    Per customer: its row in `customers`, one `audit_log` row and one `search_documents`
    row (with the subtitle and tokens kht builds for the row, made before the run by
    `_write_documents`), with the ids taken up front as kht takes them: the sequence on
    PostgreSQL, the next rowids on SQLite (one writer holds the lock). Raw DB-API
    `executemany` in chunks of 5,000, one transaction, kht's connection settings.
    """
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from kht.auth.models import User
    from kht.db.engine import make_engine

    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        admin = connection.scalar(select(User.id).where(User.login == "admin"))
        connection.execute(text("SELECT 1"))
    now = datetime.now(UTC)
    stamp = now if postgres else now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    mark = "%s" if postgres else "?"

    def insert_sql(table: str, columns: str) -> str:
        names = columns.split()
        marks = ", ".join([mark] * len(names))
        return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608

    customers_sql = insert_sql(
        "customers",
        "id name kind phone email website address notes source stage ext created_at "
        "updated_at created_by_id updated_by_id owner_id version",
    )
    audit_sql = insert_sql("audit_log", "at user_id kind record_id action changes")
    documents_sql = insert_sql("search_documents", "kind record_id owner_id title subtitle tokens")
    raw = engine.raw_connection()
    written = 0
    try:
        cursor = raw.cursor()
        if not postgres:  # kht's SQLite connections leave BEGIN to the caller
            cursor.execute("BEGIN IMMEDIATE")

        def write(chunk: list[list[Any]]) -> None:
            if postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('customers', 'id')) "
                    "FROM generate_series(1, %s)",
                    (len(chunk),),
                )
                ids = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("SELECT coalesce(max(id), 0) FROM customers")
                first = cursor.fetchone()[0] + 1
                ids = list(range(first, first + len(chunk)))
            customers, audit, documents = [], [], []
            for record_id, (name, kind, phone, email, website, address, industry, staff) in zip(
                ids, chunk, strict=True
            ):
                ext = {"custom": {"industry": industry, "employees": int(staff)}}
                customers.append(
                    (
                        record_id,
                        name,
                        "person" if kind == "个人" else "company",
                        phone,
                        email,
                        website,
                        address,
                        "",
                        "",
                        "target",
                        json.dumps(ext, ensure_ascii=False),
                        stamp,
                        stamp,
                        admin,
                        admin,
                        admin,
                        1,
                    )
                )
                changes = json.dumps({"name": [None, name]}, ensure_ascii=False)
                audit.append((stamp, admin, "customer", record_id, "create", changes))
                subtitle, tokens = next(prepared).rstrip("\n").split("\t")
                documents.append(("customer", record_id, admin, name, subtitle, tokens))
            cursor.executemany(customers_sql, customers)
            cursor.executemany(audit_sql, audit)
            cursor.executemany(documents_sql, documents)

        prepared = (path.parent / f"{path.stem}.documents").open(encoding="utf-8")
        chunk: list[list[Any]] = []
        for row in read_file(path):
            chunk.append(row)
            if len(chunk) == CHUNK:
                write(chunk)
                written += len(chunk)
                chunk = []
        if chunk:
            write(chunk)
            written += len(chunk)
        raw.commit()
        prepared.close()
    finally:
        raw.close()
        engine.dispose()
    return written


def _bare_export(url: str, path: Path) -> int:
    """A csv.writer over one streamed SELECT of the default customer list columns."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import aliased

    from kht.auth.models import User
    from kht.customers.models import Customer

    c, owner = Customer, aliased(User)
    query = (
        select(
            c.name,
            c.kind,
            c.phone,
            c.email,
            c.stage,
            owner.name,
            c.ext["custom"]["industry"].as_string(),
            c.updated_at,
        )
        .outerjoin(owner, owner.id == c.owner_id)
        .where(c.deleted_at.is_(None))
        .order_by(c.updated_at.desc(), c.id.desc())
    )
    engine = create_engine(url)
    written = 0
    try:
        with (
            engine.connect() as connection,
            path.open("w", encoding="utf-8-sig", newline="") as out,
        ):
            writer = csv.writer(out)
            writer.writerow(["名称", "类型", "电话", "邮箱", "阶段", "负责人", "行业", "更新时间"])
            result = connection.execution_options(stream_results=True, yield_per=1000).execute(
                query
            )
            for row in result:
                writer.writerow(row)
                written += 1
    finally:
        engine.dispose()
    return written


def child(task: str, url: str, path: str) -> None:
    """Run one measured task in this (child) process and print its timing as JSON."""
    started = time.perf_counter()
    rows, seconds = None, None
    if task == "idle":
        _runtime(url).engine.dispose()
    elif task == "kht-import":
        seconds = _kht_cli(url, ["import", path, "--kind", "customer", "--as", "admin"])
    elif task == "raw-insert":
        rows = _raw_insert(url, Path(path))
    elif task == "kht-export":
        seconds = _kht_cli(url, ["export", "--kind", "customer", "--as", "admin", "-o", path])
    elif task == "bare-export":
        rows = _bare_export(url, Path(path))
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = seconds if seconds is not None else time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": rows}), flush=True)


def measured(task: str, url: str, path: Path | str = "") -> dict[str, Any]:
    """Run `task` in a child process: its seconds (inside the task) and peak RSS in MB."""
    command = [sys.executable, "-m", "bench.io", "--child", task, url, str(path)]
    log_path = Path(f"/tmp/bench-io-{task}.err")  # noqa: S108 - the child's stderr, for failures
    with log_path.open("wb") as err:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err)  # noqa: S603
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"{task} failed ({proc.returncode}): {tail}")
    found = json.loads(out.decode().strip().splitlines()[-1])
    return {
        "seconds": round(found["seconds"], 2),
        "rows": found["rows"],
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
    }


# ---------------------------------------------------------------- the parent


def _reset(url: str, n: int) -> int:
    """Delete what a run added beyond the generated `n` customers; returns how many there were.

    On PostgreSQL the foreign-key triggers are off for this one transaction: nothing refers
    to the imported customers, and with them on, every deleted customer scans `leads` (its
    `customer_id` has no index), which takes minutes for 100,000 rows.
    """
    from sqlalchemy import create_engine, delete, func, select, text

    from kht.audit.models import AuditEntry
    from kht.customers.models import Customer
    from kht.jobs.models import Job, JobInput
    from kht.search.models import SearchDocument

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            added = connection.scalar(select(func.count()).where(Customer.id > n))
            if engine.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL session_replication_role = replica"))
            documents = SearchDocument.__table__.c
            connection.execute(
                delete(SearchDocument).where(documents.kind == "customer", documents.record_id > n)
            )
            connection.execute(delete(Customer).where(Customer.id > n))
            connection.execute(delete(AuditEntry))
            imports = select(Job.id).where(Job.type == "import")
            connection.execute(delete(JobInput).where(JobInput.job_id.in_(imports)))
            connection.execute(delete(Job).where(Job.type == "import"))
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif added:
            # 100,000 dead rows and stale statistics change later plans (the operation
            # benchmarks ran up to 2x slower on both sides after an import run).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in ("customers", "search_documents", "audit_log", "jobs", "job_inputs"):
                    connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    finally:
        engine.dispose()
    return added


def run_io(
    url: str,
    n: int,
    rows: int,
    formats: list[str],
    log: Any,
    folder: Path = CACHE,
    quick: bool = False,
    trend: bool = True,
) -> dict[str, Any]:
    """Import (each format, and rows/10 for the memory trend) and export on one database.

    `quick` (the smoke test) leaves out the idle child and the rows/10 run.
    """
    files = ensure_files(rows, folder)
    small = ensure_files(max(1, rows // 10), folder)
    _reset(url, n)
    idle = {"peak_mb": None} if quick else measured("idle", url)
    log(f"  idle child: {idle['peak_mb']} MB")
    result: dict[str, Any] = {"idle_peak_mb": idle["peak_mb"], "import": [], "export": {}}
    for fmt in formats:
        kht = measured("kht-import", url, files[fmt])
        kht["rows"] = _reset(url, n)
        raw = measured("raw-insert", url, files[fmt])
        _reset(url, n)
        entry = {
            "format": fmt,
            "kht": {**kht, "rows_per_s": round(kht["rows"] / kht["seconds"])},
            "raw": {**raw, "rows_per_s": round(raw["rows"] / raw["seconds"])},
            "kht_small": None,
        }
        if trend and not quick:
            little = measured("kht-import", url, small[fmt])
            little["rows"] = _reset(url, n)
            rate = round(little["rows"] / little["seconds"])
            entry["kht_small"] = {**little, "rows_per_s": rate}
        entry["ratio"] = round(entry["kht"]["rows_per_s"] / entry["raw"]["rows_per_s"], 3)
        result["import"].append(entry)
        small_mb = entry["kht_small"]["peak_mb"] if entry["kht_small"] else "-"
        log(
            f"  import {fmt}: kht {entry['kht']['rows_per_s']} rows/s {kht['peak_mb']} MB "
            f"(rows/10: {small_mb} MB), raw {entry['raw']['rows_per_s']} rows/s "
            f"{raw['peak_mb']} MB, ratio {entry['ratio']}"
        )
    out = folder / f"export-{os.getpid()}.csv"  # one per run: runs on two backends may overlap
    kht = measured("kht-export", url, out)
    kht["rows"] = sum(1 for _ in out.open(encoding="utf-8-sig")) - 1
    bare = measured("bare-export", url, folder / f"export-bare-{os.getpid()}.csv")
    result["export"] = {
        "format": "csv",
        "kht": {**kht, "rows_per_s": round(kht["rows"] / kht["seconds"])},
        "bare": {**bare, "rows_per_s": round(bare["rows"] / bare["seconds"])},
    }
    result["export"]["ratio"] = round(
        result["export"]["kht"]["rows_per_s"] / result["export"]["bare"]["rows_per_s"], 3
    )
    out.unlink(missing_ok=True)
    (folder / f"export-bare-{os.getpid()}.csv").unlink(missing_ok=True)
    log(
        f"  export csv: kht {result['export']['kht']['rows_per_s']} rows/s {kht['peak_mb']} MB,"
        f" bare {result['export']['bare']['rows_per_s']} rows/s {bare['peak_mb']} MB"
    )
    return result


def table(entry: dict[str, Any]) -> str:
    lines = [
        f"{entry['backend']}, {entry['rows']:,} rows into {entry['customers']:,} customers "
        f"(idle child {entry['idle_peak_mb']} MB)",
        "",
        "| operation | kht rows/s | kht peak MB | bare rows/s | bare peak MB | kht/bare rate |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in entry["import"]:
        kht, raw = item["kht"], item["raw"]
        small_mb = item["kht_small"]["peak_mb"] if item.get("kht_small") else "-"
        lines.append(
            f"| import .{item['format']} | {kht['rows_per_s']:,} | {kht['peak_mb']} "
            f"(rows/10: {small_mb}) | {raw['rows_per_s']:,} | {raw['peak_mb']} | "
            f"{item['ratio']:.0%} |"
        )
    export = entry["export"]
    lines.append(
        f"| export .csv | {export['kht']['rows_per_s']:,} | {export['kht']['peak_mb']} | "
        f"{export['bare']['rows_per_s']:,} | {export['bare']['peak_mb']} | {export['ratio']:.0%} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from bench.__main__ import RESULTS, merge
    from bench.runner import _server_version, machine

    parser = argparse.ArgumentParser(prog="python -m bench io", description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="customers in the database")
    parser.add_argument("--rows", type=int, default=100_000, help="rows imported and exported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--formats", nargs="*", default=["csv", "xlsx"], help="none: export only")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quick", action="store_true", help="no idle child or rows/10 run (tests)")
    parser.add_argument(
        "--no-trend", action="store_true", help="leave out the rows/10 import (memory trend)"
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    report: dict[str, Any] = {"machine": machine(), "io": []}
    backends = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for backend in backends:
        url = ensure_database(args.n, args.seed, backend, args.cache, log=log)
        log(f"{backend}: import and export of {args.rows:,} rows")
        entry = {
            "backend": backend,
            "server_version": _server_version(url),
            "customers": args.n,
            "rows": args.rows,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **run_io(
                url,
                args.n,
                args.rows,
                args.formats,
                log,
                args.cache,
                quick=args.quick,
                trend=not args.no_trend,
            ),
        }
        report["io"].append(entry)
        print(table(entry) + "\n", flush=True)
    merge(args.out, report, "io", ("backend", "customers", "rows"))
    print(f"written: {args.out}")
    return report


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main()
