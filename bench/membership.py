"""`python -m bench.membership --members 10000`: the membership pack at scale (issue #20).

Four measurements, each against its bare baseline, each size in a child process of its own
so its peak memory (`ru_maxrss`) is its own:

1. **generate** — N members (a customer each, through the benchmark generator's rows) with
   `--per-member` purchases each (default 20: 1M members give 20M transactions) and their
   points lots, written in chunks with executemany (memory stays flat with N).
2. **import** — `--rows` transactions (default N) as a CSV through `kht import --kind
   membership_transaction` (each row checked, counted once, points earned, tier evaluated)
   vs a raw executemany INSERT of the same rows; rows/s and peak memory of each.
3. **nightly** — the pack's nightly run (statuses, points expiry, birthdays, tier reviews,
   RFM quintiles and segments, the report figures, the co-purchase counts): set-based SQL,
   its seconds over all N members.
4. **pages** — the member 360 page (`GET /members/{id}`, as the administrator) and an RFM
   segment list (`GET /api/v1/members?f=rfm_segment:eq:champions`), each next to the bare
   query behind it (the member with its latest transactions and ledger; the segment's first
   page and count); median and p95 of `--reps` requests.

The machine the project develops on is shared: run it small (`--members 10000`) there, and
at `--members 1000000` only on a quiet machine. Results go to bench/results/membership.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.generate import PASSWORD, _customers, _people, settings

CHUNK = 20_000
CATEGORIES = ("家电", "厨具", "服装", "食品", "美妆", "母婴", "数码", "家居")
STORES = ("上海徐汇店", "上海浦东店", "北京朝阳店", "北京海淀店", "杭州西湖店")
PAYMENTS = ("cash", "card", "wechat_pay", "alipay", "stored_value", "credit")
TODAY = date(2026, 6, 15)


def _runtime(url: str) -> Any:
    os.environ.setdefault("KHT_INSECURE_FAST_PASSWORD_HASHING", "1")
    from kht.runtime import Runtime

    return Runtime.from_settings(settings(url))


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _chunks(rows: Any, size: int = CHUNK) -> Any:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _member_rows(customer_ids: list[int], owners: dict[int, int | None], rng: random.Random):
    for n, customer_id in enumerate(customer_ids, start=1):
        joined = TODAY - timedelta(days=rng.randrange(30, 1500))
        birthday = date(rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        calendar = "lunar" if rng.random() < 0.2 else "solar"
        yield {
            "number": f"M{n:08d}",
            "card_code": f"{n:016d}",
            "customer_id": customer_id,
            "membership_type": "individual",
            "join_date": joined,
            "start_date": joined,
            "end_date": None,
            "status": "active",
            "tier": "standard",
            "tier_since": joined,
            # Reviews spread over the coming year: a night reviews about 1/365 of them.
            "tier_review_on": TODAY + timedelta(days=rng.randrange(0, 365)),
            "home_store": STORES[n % len(STORES)],
            "birthday": birthday,
            "birthday_calendar": calendar,
            "birthday_key": ("L" if calendar == "lunar" else "S") + birthday.strftime("%m-%d"),
            "consent_sms": rng.random() < 0.6,
            "consent_email": rng.random() < 0.4,
            "owner_id": owners.get(customer_id),
        }


def _purchase_rows(member_ids: list[int], per_member: int, rng: random.Random):
    for member_id in member_ids:
        for k in range(rng.randrange(1, 2 * per_member)):
            day = TODAY - timedelta(days=rng.randrange(0, 420))
            yield {
                "external_id": f"g{member_id}-{k}",
                "member_id": member_id,
                "occurred_on": day,
                "kind": "purchase",
                "amount": Decimal(rng.randrange(2000, 200000)) / 100,
                "store": STORES[rng.randrange(len(STORES))],
                "channel": "store",
                "payment_method": PAYMENTS[rng.randrange(len(PAYMENTS))],
                "category": CATEGORIES[rng.randrange(len(CATEGORIES))],
                "items": 1,
            }


def _record_defaults(now: Any) -> dict[str, Any]:
    return {"created_at": now, "updated_at": now, "version": 1, "ext": {}}


def generate(url: str, members: int, per_member: int, seed: int = 20) -> dict[str, Any]:
    """A fresh kht with the pack enabled, `members` members and their purchases and lots."""
    from sqlalchemy import insert, select, text

    from kht.customers.models import Customer
    from plugins.membership import rules
    from plugins.membership.models import Member, Transaction

    rng = random.Random(seed)
    runtime = _runtime(url)
    runtime.migrate()
    runtime.set_enabled("membership", True)
    with runtime.ctx() as ctx:
        user_ids, _ = _people(ctx)
    started = time.perf_counter()
    with runtime.engine.begin() as connection:
        _customers(connection, rng, members, user_ids)
    with runtime.engine.begin() as connection:
        owners = dict(connection.execute(select(Customer.id, Customer.owner_id)).all())
        now = datetime.now(UTC)
        base = _record_defaults(now)
        for batch in _chunks(_member_rows(sorted(owners), owners, rng)):
            connection.execute(insert(Member), [{**base, **row} for row in batch])
        member_ids = list(connection.scalars(select(Member.id).order_by(Member.id)))
        txns = 0
        for batch in _chunks(_purchase_rows(member_ids, per_member, rng)):
            connection.execute(insert(Transaction), [{**base, **row} for row in batch])
            txns += len(batch)
        # Each purchase's lot, set-based (1 point a yuan, 12 months).
        connection.execute(
            text(
                "INSERT INTO membership_points (member_id, entry, points, remaining, expires_on,"
                " key, transaction_id, reason, occurred_on, created_at)"
                " SELECT member_id, 'earn', CAST(amount AS INTEGER), CAST(amount AS INTEGER),"
                " occurred_on, 'earn:' || id, id, external_id, occurred_on, created_at"
                " FROM membership_transactions"
            )
        )
        _fix_expiry(connection, rules)
        _member_figures(connection)
    seconds = time.perf_counter() - started
    return {
        "members": len(member_ids),
        "transactions": txns,
        "seconds": round(seconds, 1),
        "rows_per_second": round((len(member_ids) + txns) / seconds),
        "peak_rss_mb": _peak_mb(),
    }


def _fix_expiry(connection: Any, rules: Any) -> None:
    """Lots expire 12 months after their day (done per distinct day: ~420 statements)."""
    from sqlalchemy import select, update

    from plugins.membership.models import PointsEntry

    days = list(connection.scalars(select(PointsEntry.occurred_on).distinct()))
    for day in days:
        connection.execute(
            update(PointsEntry)
            .where(PointsEntry.occurred_on == day)
            .values(expires_on=rules.add_months(day, 12))
        )


def _member_figures(connection: Any) -> None:
    """Each member's running figures from its purchases and lots, one UPDATE each."""
    from sqlalchemy import func, select, update

    from plugins.membership.models import Member, PointsEntry, Transaction

    mine = Transaction.member_id == Member.id
    connection.execute(
        update(Member).values(
            total_spend=select(func.coalesce(func.sum(Transaction.amount), 0))
            .where(mine)
            .scalar_subquery(),
            purchase_count=select(func.count()).where(mine).scalar_subquery(),
            first_purchase_on=select(func.min(Transaction.occurred_on))
            .where(mine)
            .scalar_subquery(),
            last_purchase_on=select(func.max(Transaction.occurred_on))
            .where(mine)
            .scalar_subquery(),
            points_balance=select(func.coalesce(func.sum(PointsEntry.points), 0))
            .where(PointsEntry.member_id == Member.id)
            .scalar_subquery(),
        )
    )


def _import_file(folder: Path, url: str, rows: int) -> Path:
    """`rows` new transactions of existing members as the CSV a till system exports."""
    from sqlalchemy import select

    from plugins.membership.models import Member

    runtime = _runtime(url)
    with runtime.engine.connect() as connection:
        ids = list(connection.scalars(select(Member.id)))
    runtime.engine.dispose()
    rng = random.Random(7)
    path = folder / "transactions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["交易号", "会员", "日期", "金额", "门店", "支付方式", "品类"])
        for n in range(rows):
            out.writerow(
                [
                    f"imp-{n}",
                    ids[rng.randrange(len(ids))],
                    (TODAY - timedelta(days=rng.randrange(0, 60))).isoformat(),
                    f"{rng.randrange(2000, 200000) / 100:.2f}",
                    STORES[rng.randrange(len(STORES))],
                    PAYMENTS[rng.randrange(len(PAYMENTS))],
                    CATEGORIES[rng.randrange(len(CATEGORIES))],
                ]
            )
    return path


def import_kht(url: str, path: Path) -> dict[str, Any]:
    from bench.io import _kht_cli

    mapping = json.dumps(
        {
            "交易号": "external_id",
            "会员": "member_id",
            "日期": "occurred_on",
            "金额": "amount",
            "门店": "store",
            "支付方式": "payment_method",
            "品类": "category",
        },
        ensure_ascii=False,
    )
    args = ["import", str(path), "--kind", "membership_transaction", "--as", "admin"]
    seconds = _kht_cli(url, [*args, "--mapping", mapping])
    return {"seconds": round(seconds, 2)}


def import_raw(url: str, path: Path) -> dict[str, Any]:
    """The same rows with a bare executemany INSERT (no checks, points or tiers)."""
    from sqlalchemy import create_engine, insert

    from plugins.membership.models import Transaction

    engine = create_engine(url)
    started = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as connection, path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for batch in _chunks(reader, 5000):
            connection.execute(
                insert(Transaction),
                [
                    {
                        "external_id": f"raw-{row[0]}",
                        "member_id": int(row[1]),
                        "occurred_on": date.fromisoformat(row[2]),
                        "amount": Decimal(row[3]),
                        "store": row[4],
                        "payment_method": row[5],
                        "category": row[6],
                        "kind": "purchase",
                        "channel": "store",
                        "items": 1,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                        "ext": {},
                    }
                    for row in batch
                ],
            )
    return {"seconds": round(time.perf_counter() - started, 2)}


def nightly(url: str) -> dict[str, Any]:
    from plugins.membership.value import run_nightly

    runtime = _runtime(url)
    with runtime.ctx() as ctx:
        ctx.clock = lambda: datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # noon in Shanghai
        started = time.perf_counter()
        done = run_nightly(ctx, TODAY)
        ctx.session.commit()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "done": {k: str(v) for k, v in done.items()}}


def _timed(call: Any, reps: int) -> dict[str, float]:
    spent = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    return {
        "median_ms": round(statistics.median(spent), 2),
        "p95_ms": round(spent[max(0, int(len(spent) * 0.95) - 1)], 2),
    }


def pages(url: str, reps: int) -> dict[str, Any]:
    """The member 360 page and an RFM segment list, each next to its bare query."""
    from litestar.testing import TestClient
    from sqlalchemy import create_engine, func, select

    from kht.testing import bearer, log_in
    from kht.web.app import create_app
    from plugins.membership.models import Member, PointsEntry, Transaction

    runtime = _runtime(url)
    member_id = (
        runtime.engine.connect()
        .execute(select(Member.id).order_by(Member.total_spend.desc()).limit(1))
        .scalar()
    )
    app = create_app(runtime.settings, engine=runtime.engine)
    bare = create_engine(url)
    with TestClient(app) as page, TestClient(app) as api:
        log_in(page, "admin", PASSWORD)
        api.headers.update(bearer(runtime, "admin"))

        def member_page() -> None:
            assert page.get(f"/members/{member_id}").status_code == 200

        def member_bare() -> None:
            with bare.connect() as c:
                c.execute(select(Member).where(Member.id == member_id)).one()
                c.execute(
                    select(Transaction)
                    .where(Transaction.member_id == member_id)
                    .order_by(Transaction.occurred_on.desc())
                    .limit(20)
                ).all()
                c.execute(
                    select(PointsEntry)
                    .where(PointsEntry.member_id == member_id)
                    .order_by(PointsEntry.id.desc())
                    .limit(30)
                ).all()

        def rfm_list() -> None:
            answer = api.get("/api/v1/members", params={"f": "rfm_segment:eq:champions"})
            assert answer.status_code == 200

        def rfm_bare() -> None:
            with bare.connect() as c:
                live = (Member.rfm_segment == "champions") & Member.deleted_at.is_(None)
                c.execute(
                    select(Member).where(live).order_by(Member.updated_at.desc()).limit(50)
                ).all()
                c.execute(select(func.count()).select_from(Member).where(live)).scalar()

        result = {}
        for name, kht_call, bare_call in (
            ("member 360 page", member_page, member_bare),
            ("RFM segment list (API)", rfm_list, rfm_bare),
        ):
            kht_call(), bare_call()  # warm
            kht, base = _timed(kht_call, reps), _timed(bare_call, reps)
            result[name] = {
                "kht": kht,
                "bare": base,
                "ratio_median": round(kht["median_ms"] / base["median_ms"], 2),
            }
    return result


def child(task: str, url: str, path: str, reps: int) -> dict[str, Any]:
    if task == "import_kht":
        result = import_kht(url, Path(path))
    elif task == "import_raw":
        result = import_raw(url, Path(path))
    elif task == "nightly":
        result = nightly(url)
    else:
        result = pages(url, reps)
    return {"task": task, **result, "peak_rss_mb": _peak_mb()}


def _in_child(task: str, url: str, path: str = "", reps: int = 0, **more: str) -> dict[str, Any]:
    args = ["--child", task, "--url", url, "--path", path, "--reps", str(reps)]
    args += [f"--{k}={v}" for k, v in more.items()]
    answer = subprocess.run(
        [sys.executable, "-m", "bench.membership", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--per-member", type=int, default=20)
    parser.add_argument("--rows", type=int, default=0, help="rows to import (default: members)")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument(
        "--child", choices=["generate", "import_kht", "import_raw", "nightly", "pages"]
    )
    parser.add_argument("--url", default="")
    parser.add_argument("--path", default="")
    args = parser.parse_args()
    if args.child == "generate":
        print(json.dumps({"task": "generate", **generate(args.url, args.members, args.per_member)}))
        return
    if args.child:
        print(json.dumps(child(args.child, args.url, args.path, args.reps)))
        return
    folder = Path(tempfile.mkdtemp(prefix="kht-bench-membership-"))
    url = f"sqlite:///{folder / 'members.db'}"
    results = [
        _in_child(
            "generate", url, members=str(args.members), **{"per-member": str(args.per_member)}
        )
    ]
    print(json.dumps(results[-1]), flush=True)
    path = _import_file(folder, url, args.rows or args.members)
    for task in ("import_raw", "import_kht", "nightly", "pages"):
        results.append(_in_child(task, url, str(path), args.reps))
        if task.startswith("import"):
            results[-1]["rows_per_second"] = round(
                (args.rows or args.members) / results[-1]["seconds"]
            )
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    out = Path(__file__).parent / "results" / "membership.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
