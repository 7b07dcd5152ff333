"""Times a row gets by default (`created_at`, `updated_at`, an audit entry's `at`, ...) come
from the context's clock, not the wall clock.

Columns default to `kht.db.base.utcnow` (and `updated_at` is refreshed with it on update), which
reads the wall clock: a test that freezes `ctx.clock`, or a job that runs "as of" another
instant, would see records created "now" in real time. `bind_clock` ties a session to the
clock of the Ctx using it; before each flush, every such column of a new row that is still
empty, and every on-update column of a changed row that the change did not set itself, takes
that clock's time. Sessions without a bound clock keep the column defaults. Core
INSERT/UPDATE statements do not flush, so they still set their own times.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kht.db.base import utcnow

_KEY = "kht_clock"


def bind_clock(session: Session, now: Callable[[], datetime]) -> None:
    """Stamp `session`'s default times with the bound method `now` (`Ctx.now`), held weakly so
    the session keeps no context alive."""
    session.info[_KEY] = weakref.WeakMethod(now)  # type: ignore[arg-type]


def _is_utcnow(default: Any) -> bool:
    arg = getattr(default, "arg", None)
    return arg is utcnow or getattr(arg, "__wrapped__", None) is utcnow


@cache
def _stamped(cls: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(attributes set on insert, attributes refreshed on update) of a mapped class."""
    mapper = inspect(cls)
    on_insert, on_update = [], []
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if _is_utcnow(column.default):
            on_insert.append(attr.key)
        if _is_utcnow(column.onupdate):
            on_update.append(attr.key)
    return tuple(on_insert), tuple(on_update)


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, flush_context: Any, instances: Any) -> None:
    ref = session.info.get(_KEY)
    clock = ref() if ref is not None else None
    if clock is None:
        return
    now = clock()
    for record in session.new:
        for key in _stamped(type(record))[0]:
            if getattr(record, key) is None:
                setattr(record, key, now)
    for record in session.dirty:
        keys = _stamped(type(record))[1]
        if not keys or not session.is_modified(record, include_collections=False):
            continue
        attrs = inspect(record).attrs
        for key in keys:
            if not attrs[key].history.has_changes():
                setattr(record, key, now)
