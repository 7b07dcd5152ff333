"""Engine and session factory for SQLite (WAL, BEGIN IMMEDIATE) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from kht import clock
from kht.config import Settings
from kht.db.text import refuse_nul_text

refuse_nul_text()  # every session of the app, the CLI and the worker

READONLY = "kht_readonly"
# Connections beyond the request slots: /healthz and work outside a request (start-up).
SPARE_CONNECTIONS = 4
POOL_TIMEOUT_SECONDS = 10  # then a 503 (busy); with sized slots it should never be reached


def make_engine(url: str | URL, *, busy_timeout_ms: int = 5000, **pool: Any) -> Engine:
    """Create the engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout.

    `pool` goes to SQLAlchemy's pool (size, overflow, timeout).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000}, **pool)
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, **pool)


def make_server_engine(settings: Settings) -> Engine:
    """The web server's engine: a pool sized to the request slots (plus spares) and, on
    PostgreSQL, lock and statement timeouts, so a waiting request ends in a 503, never a hang.

    Commands and the worker keep `make_engine`: a migration or a large import may rightly
    wait or run longer than any web request should.
    """
    url = make_url(settings.database_url)
    pool: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": SPARE_CONNECTIONS,
        "pool_timeout": POOL_TIMEOUT_SECONDS,
    }
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            pool = {}  # one connection per thread: nothing to size
        return make_engine(url, busy_timeout_ms=settings.sqlite_busy_timeout_ms, **pool)
    timeouts = {
        "lock_timeout": settings.db_lock_timeout_ms,
        "statement_timeout": settings.db_statement_timeout_ms,
        # A transaction left open (a bug, a stuck client) must not hold its locks for ever.
        "idle_in_transaction_session_timeout": max(settings.db_statement_timeout_ms, 60000),
    }
    return make_engine(_with_options(url, timeouts), **pool)


def _with_options(url: URL, values: dict[str, int]) -> URL:
    # Server settings ride in libpq's `options`, after any the URL already carries.
    extra = " ".join(f"-c {name}={value}" for name, value in values.items())
    options = " ".join(filter(None, [url.query.get("options", ""), extra]))
    return url.update_query_dict({"options": options})


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # pysqlite would emit a deferred BEGIN itself; take that over (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Up to 64 MB of pages (the default is 2 MB): writes touch index pages all over a
        # large file, and a bulk import ran 5x slower with the default.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        # SQLite has no time zones: a report bucketing stored UTC times by a user's day in a
        # zone with summer time asks Python (kht.reports.engine).
        dbapi_connection.create_function(
            "kht_local_day", 2, clock.local_day_text, deterministic=True
        )

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        # A deferred transaction that reads and then writes fails with SQLITE_BUSY whatever the
        # timeout, because it cannot upgrade its lock; writers take the lock up front instead.
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if readonly else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit (responses are built after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def open_session(factory: sessionmaker[Session], *, readonly: bool = False) -> Session:
    """Open a session; `readonly` ones start a deferred transaction on SQLite (no write lock)."""
    if not readonly:
        return factory()
    reader = getattr(factory, "_kht_reader", None)
    if reader is None:  # made once per factory: every GET asks for it
        reader = read_only(factory.kw["bind"])
        factory._kht_reader = reader  # type: ignore[attr-defined]
    return factory(bind=reader)


def read_only(engine: Engine) -> Engine:
    """The engine for connections that only read: a deferred transaction on SQLite, so they
    never wait for the write lock."""
    return engine.execution_options(**{READONLY: True})


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite (search, upserts and DDL differ)."""
    return engine.dialect.name == "sqlite"
