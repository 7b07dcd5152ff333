"""The data layer: SQLite settings, write locking, UTC times, optimistic locking."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kht.customers.models import Customer
from kht.db.engine import is_sqlite, make_session_factory, open_session


def test_sqlite_runs_with_wal_foreign_keys_a_busy_timeout_and_a_64_mb_page_cache(kht_runtime):
    runtime = kht_runtime()
    if not is_sqlite(runtime.engine):
        pytest.skip("SQLite only")
    with runtime.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert connection.execute(text("PRAGMA cache_size")).scalar() == -65536  # KiB


def test_concurrent_read_then_write_transactions_both_succeed(kht_runtime):
    """With deferred transactions one of these would fail with SQLITE_BUSY."""
    runtime = kht_runtime()
    factory = make_session_factory(runtime.engine)
    with Session(runtime.engine) as session, session.begin():
        session.add(Customer(name="counter", ext={}, notes="0"))
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            with open_session(factory) as session, session.begin():
                customer = session.query(Customer).filter_by(name="counter").one()
                barrier.wait(timeout=5) if not is_sqlite(runtime.engine) else None
                customer.notes = str(int(customer.notes) + 1)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if is_sqlite(runtime.engine):
        assert errors == []
        with Session(runtime.engine) as session:
            assert session.query(Customer).filter_by(name="counter").one().notes == "2"
    else:  # PostgreSQL: the version column turns a lost update into an error, never silence
        assert len(errors) <= 1


def test_times_are_stored_and_returned_in_utc(kht_runtime):
    runtime = kht_runtime()
    with Session(runtime.engine) as session, session.begin():
        session.add(Customer(name="utc", ext={}))
    with Session(runtime.engine) as session:
        created = session.query(Customer).filter_by(name="utc").one().created_at
    assert created.tzinfo == UTC
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60


def test_naive_datetimes_are_refused(kht_runtime):
    runtime = kht_runtime()
    with Session(runtime.engine) as session:
        session.add(Customer(name="naive", ext={}, created_at=datetime(2026, 1, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            session.flush()


def test_a_stale_version_never_overwrites_silently(kht_runtime):
    runtime = kht_runtime()
    with Session(runtime.engine) as session, session.begin():
        session.add(Customer(name="v", ext={}))
    first = Session(runtime.engine, expire_on_commit=False)
    second = Session(runtime.engine, expire_on_commit=False)
    b = second.query(Customer).filter_by(name="v").one()
    second.commit()  # b is now what a form showed a user a while ago
    a = first.query(Customer).filter_by(name="v").one()
    a.notes = "first"
    first.commit()
    b.notes = "second"
    with pytest.raises(StaleDataError):
        second.commit()
    first.close()
    second.close()


def test_the_server_engine_pools_the_request_slots_and_bounds_every_wait(kht_db_url):
    from kht.db.engine import make_server_engine
    from kht.testing import settings_for

    settings = settings_for(
        kht_db_url, db_pool_size=3, db_lock_timeout_ms=1234, db_statement_timeout_ms=98765
    )
    engine = make_server_engine(settings)
    try:
        assert engine.pool.size() == 3
        with engine.connect() as connection:
            if is_sqlite(engine):
                wait = connection.execute(text("PRAGMA busy_timeout")).scalar()
                assert wait == settings.sqlite_busy_timeout_ms
            else:
                shown = {
                    name: connection.execute(text(f"SHOW {name}")).scalar()
                    for name in ("lock_timeout", "statement_timeout", "synchronous_commit")
                }
                # The test URL's own options survive next to the server's.
                assert shown == {
                    "lock_timeout": "1234ms",
                    "statement_timeout": "98765ms",
                    "synchronous_commit": "off",
                }
    finally:
        engine.dispose()
