"""Engine and session factory for SQLite (WAL, BEGIN IMMEDIATE) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from kht.db.text import refuse_nul_text

refuse_nul_text()  # every session of the app, the CLI and the worker

READONLY = "kht_readonly"


def make_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create the engine for `url`; SQLite connections get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


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
        reader = factory.kw["bind"].execution_options(**{READONLY: True})
        factory._kht_reader = reader  # type: ignore[attr-defined]
    return factory(bind=reader)


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite (search, upserts and DDL differ)."""
    return engine.dialect.name == "sqlite"
