"""Writes a listener defers to the end of a batch: per-transaction buffers on the session.

The audit log and the search index react to every lifecycle event, but writing one row per
event (an ORM object, a document rebuilt from its record) made an import of 20,000 rows
spend most of its time in listeners. Their listeners now append to a buffer kept in
`session.info` and the buffer is written with executemany:

- when it reaches `BATCH` entries (the listener calls `flush_pending`),
- before the transaction or a SAVEPOINT commits (`before_commit` fires for both),
- before a SAVEPOINT begins (written on the parent's connection, outside the savepoint),
- before a statement that reads or deletes from a buffered table (`do_orm_execute`), so a
  history or a search in the same transaction sees the rows, and before any DELETE (the
  audit rows reference users).

Because the buffers are written before every savepoint begins and commits, what they hold
always belongs to the innermost open transaction: a rollback simply discards them.
Raw SQL text that reads a buffered table should call `flush_pending` first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Delete, TextClause, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.util import find_tables

__all__ = ["BATCH", "Buffer", "buffer_of", "discard_pending", "flush_pending"]

BATCH = 500
_BUFFERS = "kht.deferred"
_WRITING = "kht.deferred.writing"


class Buffer(Protocol):
    """Deferred writes of one kind; `write` empties the buffer into the database."""

    tables: frozenset[str]

    def __len__(self) -> int: ...

    def write(self, session: Session, connection: Connection) -> None: ...


B = TypeVar("B", bound=Buffer)


def buffer_of(session: Session, name: str, factory: Callable[[], B]) -> B:
    """The session's buffer called `name`, created by `factory` on first use."""
    buffers: dict[str, Any] = session.info.setdefault(_BUFFERS, {})
    found = buffers.get(name)
    if found is None:
        found = buffers[name] = factory()
    return found  # type: ignore[no-any-return]


def _pending(session: Session) -> list[Buffer]:
    buffers = session.info.get(_BUFFERS)
    if not buffers or session.info.get(_WRITING):
        return []
    return [b for b in buffers.values() if len(b)]


def flush_pending(session: Session, connection: Connection | None = None) -> None:
    """Write every buffered row now (on `connection`, else the session's current one)."""
    pending = _pending(session)
    if not pending:
        return
    session.info[_WRITING] = True
    try:
        if connection is None:
            # Records changed through the ORM must be in the database before documents
            # are built from them.
            if not getattr(session, "_flushing", False):
                session.flush()
            connection = session.connection()
        for buffer in pending:
            buffer.write(session, connection)
    finally:
        session.info.pop(_WRITING, None)


def discard_pending(session: Session) -> None:
    """Forget the buffered rows (their transaction rolled back)."""
    session.info.pop(_BUFFERS, None)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    flush_pending(session)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
    # The SAVEPOINT is emitted lazily, so the parent's connection is still outside it.
    parent = transaction.parent
    if transaction.nested and parent is not None and _pending(session):
        flush_pending(session, parent.connection(None))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    discard_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        discard_pending(session)  # closed without a commit


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    pending = _pending(state.session)
    if pending and _needs_flush(state.statement, pending):
        flush_pending(state.session)


def _needs_flush(statement: Any, pending: list[Buffer]) -> bool:
    if isinstance(statement, Delete | TextClause):
        return True
    names = {getattr(t, "name", None) for t in find_tables(statement, include_crud=True)}
    return any(b.tables & names for b in pending)
