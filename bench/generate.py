"""Deterministic, realistic benchmark data for SQLite and PostgreSQL, built through bulk paths.

`ensure_database(n, seed, backend)` returns the URL of a migrated kht database holding `n`
customers (Chinese and English companies and people), 2 contacts each, n/2 leads, 10 actions
per customer, two admin custom fields with valid values, a tree of 10 departments and 200
users, and the search documents of all of it; and the sales pipeline: one opportunity per
customer in the stages of the default process "standard" with its stage history, and n/10
orders (one line, a payment plan, a payment when fulfilled) of won opportunities. The
database is cached: a SQLite file under bench/.cache/ keyed by n and seed, or a PostgreSQL
database `kht_bench_<n>` reused when its row counts match.

Users, departments and custom fields go through the services (few rows, real rules); the
millions of records go in as Core executemany in chunks, with the values the services
would give them (version 1, UTC times, valid custom-field values). No audit rows are made
for generated history. A database that has the customers but not yet the sales data (made
by an older generator) gets only the sales data added.
"""

from __future__ import annotations

import itertools
import os
import random
import time
from pathlib import Path
from typing import Any

from kht import fakedata as fake
from kht.db.bulk import CHUNK, GENERATED_TABLES, fix_sequences, insert_rows
from kht.progress import Bar, progress

CACHE = Path(__file__).parent / ".cache"
USERS = 200
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-password"  # noqa: S105 - generated users, benchmarks only
SECRET = "bench-secret-key-0123456789"  # noqa: S105 - benchmarks only, loopback

DEPARTMENTS = (  # (name, parent): a tree of 10 under one sales division
    ("销售中心", None),
    ("华东大区", "销售中心"),
    ("华北大区", "销售中心"),
    ("华南大区", "销售中心"),
    ("上海销售部", "华东大区"),
    ("杭州销售部", "华东大区"),
    ("北京销售部", "华北大区"),
    ("天津销售部", "华北大区"),
    ("深圳销售部", "华南大区"),
    ("广州销售部", "华南大区"),
)
FIELDS = fake.CUSTOM_FIELDS  # the two admin custom fields on customers


# ---------------------------------------------------------------- where the data lives


def sqlite_url(n: int, seed: int, cache: Path = CACHE) -> str:
    return f"sqlite:///{cache / f'kht_bench_{n}_seed{seed}.db'}"


def postgres_url(n: int, base: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(base or os.environ.get("KHT_BENCH_PG_URL", DEFAULT_PG))
    return url.set(database=f"kht_bench_{n}").render_as_string(hide_password=False)


BASE_TABLES = ("customers", "contacts", "leads", "actions", "search_documents", "users")
SALES_TABLES = ("opportunities", "orders", "order_lines", "order_payment_plans")


def expected_counts(n: int) -> dict[str, int]:
    """Row counts of a complete database (the stage history varies: at least one a customer)."""
    return {
        "customers": n,
        "contacts": 2 * n,
        "leads": n // 2,
        "actions": 10 * n,
        "search_documents": n + 2 * n + n // 2,
        "users": USERS + 1,  # + the administrator
        "opportunities": n,
        "orders": n // 10,
        "order_lines": n // 10,
        "order_payment_plans": n // 10,
    }


def counts(url: str) -> dict[str, int] | None:
    """Row counts of a generated database, or None when it does not exist or is unfinished."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                for table in [*expected_counts(0), "opportunity_stage_history"]
            }
    except Exception:  # noqa: BLE001 - missing file/database or missing tables: not generated
        return None
    finally:
        engine.dispose()


def complete(found: dict[str, int] | None, n: int) -> bool:
    """Whether row counts `found` are those of a finished database of `n` customers."""
    if found is None:
        return False
    expected = expected_counts(n)
    return all(found[t] == expected[t] for t in expected) and (
        found["opportunity_stage_history"] >= n
    )


def _needs_sales_only(found: dict[str, int] | None, n: int) -> bool:
    if found is None:
        return False
    expected = expected_counts(n)
    return all(found[t] == expected[t] for t in BASE_TABLES) and not any(
        found[t] for t in [*SALES_TABLES, "opportunity_stage_history"]
    )


def _needs_documents_and_sales(found: dict[str, int] | None, n: int) -> bool:
    """The records are there (committed) but the documents and sales steps never finished."""
    if found is None:
        return False
    expected = expected_counts(n)
    records = [t for t in BASE_TABLES if t != "search_documents"]
    return (
        all(found[t] == expected[t] for t in records)
        and found["search_documents"] == 0
        and not any(found[t] for t in [*SALES_TABLES, "opportunity_stage_history"])
    )


def ensure_database(
    n: int,
    seed: int = 1,
    backend: str = "sqlite",
    cache: Path = CACHE,
    log: Any = print,
    show: bool | None = None,
) -> str:
    """The URL of a generated database of `n` customers: reused when cached, else built.

    Each step of a generation shows its progress (rows done, rate, time left) on a
    terminal, or always / never with `show` (kht.progress)."""
    if backend == "sqlite":
        cache.mkdir(parents=True, exist_ok=True)
        url = sqlite_url(n, seed, cache)
        path = Path(url.removeprefix("sqlite:///"))
        found = counts(url) if path.exists() else None
        if complete(found, n):
            return _migrated(url)
        if _needs_sales_only(found, n) or _needs_documents_and_sales(found, n):
            _add_sales_only(url, n, seed, log, found["search_documents"] == 0, show)
            return url
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = postgres_url(n)
        found = counts(url)
        if complete(found, n):
            return _migrated(url)
        if _needs_sales_only(found, n) or _needs_documents_and_sales(found, n):
            _add_sales_only(url, n, seed, log, found["search_documents"] == 0, show)
            return url
        _recreate_postgres(url)
    started = time.perf_counter()
    generate(url, n, seed, log=log, show=show)
    log(f"generated {n:,} customers in {time.perf_counter() - started:.1f} s -> {url}")
    return url


def _migrated(url: str) -> str:
    """A cached database brought to the current schema (tables added since it was made)."""
    from kht.runtime import Runtime

    runtime = Runtime.from_settings(settings(url))
    runtime.migrate()
    runtime.engine.dispose()
    return url


def _recreate_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


# ---------------------------------------------------------------- generation


def settings(url: str) -> Any:
    from kht.config import Settings

    return Settings(
        database_url=url, secret_key=SECRET, secure_cookies=False, default_language="zh_CN"
    )


def generate(url: str, n: int, seed: int = 1, log: Any = print, show: bool | None = None) -> None:
    """Migrate the database at `url` and fill it (it must be empty), each step with its
    progress (`show`, see kht.progress)."""
    # Hashing 200 passwords properly would take a minute; these logins are for benchmarks.
    os.environ.setdefault("KHT_INSECURE_FAST_PASSWORD_HASHING", "1")
    from kht.runtime import Runtime

    runtime = Runtime.from_settings(settings(url))
    runtime.migrate()
    rng = random.Random(seed)
    with runtime.ctx() as ctx:
        user_ids, admin_id = _people(ctx)
        _custom_fields(ctx, admin_id)
    steps = (
        ("customers", lambda c, bar: _customers(c, rng, n, user_ids, bar)),
        ("contacts", lambda c, bar: _contacts(c, rng, n, bar)),
        ("leads", lambda c, bar: _leads(c, rng, n, user_ids, bar)),
        ("actions", lambda c, bar: _actions(c, rng, n, bar)),
    )
    expected = expected_counts(n)
    timings = {}
    with runtime.engine.begin() as connection:
        _fast_sqlite(connection)
        for name, step in steps:
            started = time.perf_counter()
            with progress(name, expected[name], show=show) as bar:
                step(connection, bar)
            timings[name] = time.perf_counter() - started
    with runtime.ctx() as ctx:
        started = time.perf_counter()
        _search_documents(ctx, n, show)
        timings["search_documents"] = time.perf_counter() - started
    timings.update(_sales(runtime, n, seed, show))
    _finish(runtime)
    log("  " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


def _add_sales_only(
    url: str, n: int, seed: int, log: Any, documents: bool = False, show: bool | None = None
) -> None:
    """Add the sales data (and the search documents when asked) to a database with the rest."""
    from kht.runtime import Runtime

    started = time.perf_counter()
    runtime = Runtime.from_settings(settings(url))
    runtime.migrate()  # seeds the default process if the database predates it
    timings = {}
    if documents:
        with runtime.ctx() as ctx:
            _search_documents(ctx, n, show)
        timings["search_documents"] = time.perf_counter() - started
    timings.update(_sales(runtime, n, seed, show))
    _finish(runtime)
    log("  " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    log(f"added the sales data of {n:,} customers in {time.perf_counter() - started:.1f} s")


def _finish(runtime: Any) -> None:
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.begin() as connection:
            _fix_sequences(connection)
    with runtime.engine.connect() as connection:
        _analyze(connection)
    runtime.engine.dispose()


def _sales(runtime: Any, n: int, seed: int, show: bool | None = None) -> dict[str, float]:
    """Opportunities with their stage history, then orders, in one transaction."""
    # Its own random stream: the sales data is the same whether added later or not.
    rng = random.Random(seed * 1_000_003 + 7)
    timings = {}
    with runtime.engine.begin() as connection:
        _fast_sqlite(connection)
        started = time.perf_counter()
        with progress("opportunities", n, show=show) as bar:
            won = _opportunities(connection, rng, n, bar)
        timings["opportunities"] = time.perf_counter() - started
        started = time.perf_counter()
        with progress("orders", len(won), show=show) as bar:
            _orders(connection, rng, won, bar)
        timings["orders"] = time.perf_counter() - started
    return timings


def _fast_sqlite(connection: Any) -> None:
    # A bigger page cache keeps the indexes in memory while filling.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-200000")


def _people(ctx: Any) -> tuple[list[int], int]:
    """Departments through kht.org.service, users through kht.auth.service.create_user.

    Each department has a sales manager (`mgr<k>`, scope department tree); the other users
    are reps (`rep<k>`, scope own) spread over the departments.
    """
    from kht.auth.service import create_user
    from kht.org import service as org

    ids: dict[str, int] = {}
    for name, parent in DEPARTMENTS:
        ids[name] = org.create_department(ctx.session, name, ids.get(parent) if parent else None).id
    admin = create_user(
        ctx.session,
        login="admin",
        name="管理员",
        password=PASSWORD,
        role="administrator",
        is_admin=True,
    )
    departments = [ids[name] for name, _ in DEPARTMENTS]
    users = []
    for k, department_id in enumerate(departments):
        users.append(_user(create_user, ctx, f"mgr{k}", "sales_manager", department_id, k))
    for k in range(USERS - len(departments)):
        department_id = departments[3 + k % (len(departments) - 3)]  # under the regions and offices
        users.append(_user(create_user, ctx, f"rep{k}", "sales_rep", department_id, k))
    return users, admin.id


def _user(create_user: Any, ctx: Any, login: str, role: str, department_id: int, k: int) -> int:
    name = fake.user_name(k)
    return create_user(
        ctx.session,
        login=login,
        name=name,
        password=PASSWORD,
        role=role,
        department_id=department_id,
        email=f"{login}@kht-bench.example.com",
    ).id


def _custom_fields(ctx: Any, admin_id: int) -> list[Any]:
    """The two admin fields on customers, added through kht.customfields.service."""
    from kht.auth.principal import load_principal
    from kht.customfields.service import add_field
    from kht.db.custom_fields import FieldDef

    ctx.user = load_principal(ctx.session, admin_id)
    made = [add_field(ctx, "customer", FieldDef(**spec)) for spec in FIELDS]
    ctx.user = None
    return made


def _insert(connection: Any, model: Any, rows: Any) -> None:
    insert_rows(connection, model, rows)


def _customers(connection: Any, rng: random.Random, n: int, owners: list[int], bar: Bar) -> None:
    from kht.customers.models import Customer

    _insert(connection, Customer, bar.counted(fake.customer_rows(rng, n, owners)))


def _owners(connection: Any) -> fake.Owners:
    from sqlalchemy import select

    from kht.customers.models import Customer

    query = select(Customer.id, Customer.owner_id).order_by(Customer.id)
    return [(row.id, row.owner_id) for row in connection.execute(query)]


def _contacts(connection: Any, rng: random.Random, n: int, bar: Bar) -> None:
    from kht.contacts.models import Contact

    _insert(connection, Contact, bar.counted(fake.contact_rows(rng, _owners(connection))))


def _leads(connection: Any, rng: random.Random, n: int, owners: list[int], bar: Bar) -> None:
    from kht.leads.models import Lead

    _insert(connection, Lead, bar.counted(fake.lead_rows(rng, n // 2, owners)))


def _actions(connection: Any, rng: random.Random, n: int, bar: Bar) -> None:
    from kht.actions.models import Action

    _insert(connection, Action, bar.counted(fake.action_rows(rng, _owners(connection))))


def _stages(connection: Any) -> tuple[int, list[fake.Stage]]:
    """The default process "standard" (seeded by kht's migrate) and its active stages."""
    from sqlalchemy import select

    from kht.sales.processes.models import Process, ProcessStage

    process_id = connection.scalar(select(Process.id).where(Process.key == "standard"))
    s = ProcessStage
    rows = connection.execute(
        select(s.id, s.key, s.name_zh, s.name_en, s.position, s.probability, s.outcome)
        .where(s.process_id == process_id, s.active)
        .order_by(s.position)
    )
    return process_id, [fake.Stage(*row) for row in rows]


def _opportunities(
    connection: Any, rng: random.Random, n: int, bar: Bar
) -> list[tuple[dict, None]]:
    """Insert the opportunities and their history; returns the first n/10 won ones."""
    from sqlalchemy import func, select

    from kht.auth.models import User
    from kht.contacts.models import Contact
    from kht.sales.opportunities.models import Opportunity, OpportunityStageChange

    process_id, stages = _stages(connection)
    pipelines = [fake.Pipeline(process_id, stages)]
    users = connection.execute(
        select(User.id, User.department_id).where(User.login != "admin").order_by(User.id)
    ).all()
    departments = {row.id: row.department_id for row in users}
    contacts = select(Contact.customer_id, func.min(Contact.id)).group_by(Contact.customer_id)
    first_contact = {row[0]: row[1] for row in connection.execute(contacts)}
    rows = fake.opportunity_rows(
        rng,
        _owners(connection),
        first_contact,
        departments,
        [row.id for row in users],
        pipelines,
    )
    won: list[tuple[dict[str, Any], None]] = []
    history_id = 0
    while pairs := list(itertools.islice(rows, CHUNK)):
        history = []
        for opportunity, stays in pairs:
            for stay in stays:
                history_id += 1
                history.append({"id": history_id, **stay})
            if opportunity["status"] == "won" and len(won) < n // 10:
                won.append((opportunity, None))
        _insert(connection, Opportunity, iter([o for o, _ in pairs]))
        _insert(connection, OpportunityStageChange, iter(history))
        bar.advance(len(pairs))
    return won


def _orders(connection: Any, rng: random.Random, won: list[tuple[dict, None]], bar: Bar) -> None:
    from kht.sales.orders.models import Order, OrderLine, Payment, PaymentPlan

    rows = fake.order_rows(rng, won)
    while batch := list(itertools.islice(rows, CHUNK)):
        _insert(connection, Order, iter([b[0] for b in batch]))
        _insert(connection, OrderLine, iter([b[1] for b in batch]))
        _insert(connection, PaymentPlan, iter([b[2] for b in batch]))
        _insert(connection, Payment, iter([b[3] for b in batch if b[3] is not None]))
        bar.advance(len(batch))


def _search_documents(ctx: Any, n: int, show: bool | None) -> None:
    """Every kind's documents, as kht's reindex builds them, tokenised in parallel."""
    from bench.documents import write_all

    # Millions of documents in one transaction: with SQLite's default 2 MB page cache every
    # insert re-reads index pages from the WAL (at 1M customers it crawled at ~1 GB/s of reads).
    connection = ctx.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-1000000")  # 1 GB
    with progress("search documents", expected_counts(n)["search_documents"], show=show) as bar:
        write_all(ctx, bar=bar)


def _fix_sequences(connection: Any) -> None:
    fix_sequences(connection, GENERATED_TABLES)


def _analyze(connection: Any) -> None:
    from sqlalchemy import text

    connection.execute(text("ANALYZE"))
    connection.commit()
