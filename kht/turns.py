"""Round robin: the one counter every "in turn" assignment uses (automation rules, shared
mailboxes, service queues).

The counter is an integer column on the row that owns the rotation (a rule, a mailbox, a
queue). It is read FOR UPDATE (PostgreSQL; SQLite's writer lock does the same), so two
assignments at once get consecutive candidates, and advanced with a plain UPDATE, so the
row's optimistic-lock `version` (an editor open on it) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

T = TypeVar("T")


def next_in_turn(session: Session, counter: Any, row_id: int, candidates: Sequence[T]) -> T | None:
    """The next of `candidates` for the row `row_id` whose turn counter is the column
    `counter` (e.g. `Rule.turn`); the counter moves on by one. None when nobody is a
    candidate (the counter stays)."""
    if not candidates:
        return None
    table = counter.class_
    turn = session.scalar(select(counter).where(table.id == row_id).with_for_update()) or 0
    session.execute(
        update(table)
        .where(table.id == row_id)
        .values({counter.key: turn + 1})
        .execution_options(synchronize_session=False)
    )
    return candidates[turn % len(candidates)]
