"""Bulk inserts for generated data (`kht demo`, the benchmarks): executemany in chunks on
SQLite, COPY on PostgreSQL, in the caller's transaction.

The rows carry what the services would give them (see kht/fakedata.py); nothing here checks
rules or fires events, so callers rebuild what events would have kept (search documents).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, insert, text

CHUNK = 5000
GENERATED_TABLES = (  # the tables generators fill with explicit ids, parents first
    "customers",
    "contacts",
    "leads",
    "actions",
    "opportunities",
    "opportunity_stage_history",
    "quotes",
    "quote_lines",
    "orders",
    "order_lines",
    "order_payment_plans",
    "order_payments",
)


def chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    """`rows` in lists of at most `size`."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def insert_rows(connection: Connection, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `model`'s table."""
    if connection.dialect.name == "postgresql":
        _copy(connection, model.__tablename__, iter(rows))
        return
    statement = insert(model.__table__)
    for chunk in chunks(rows):
        connection.execute(statement, chunk)


def _copy(connection: Connection, table: str, rows: Iterator[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the connection's transaction: several times executemany's rate."""
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    names = ", ".join(columns)
    raw: Any = connection.connection.driver_connection  # the psycopg connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in itertools.chain([first], rows):
            copy.write_row([_copyable(row[c]) for c in columns])


def _copyable(value: Any) -> Any:
    # JSON columns get their text; everything else psycopg adapts itself.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def fix_sequences(connection: Connection, tables: Iterable[str]) -> None:
    """Move PostgreSQL's id sequences past ids inserted explicitly (a no-op elsewhere)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        )
