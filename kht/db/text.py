"""No NUL character reaches the database, whichever path wrote it (API, form, import, CLI).

PostgreSQL refuses a NUL in text (a 500 deep in the driver) while SQLite stores it and hands
it back to every export; both must answer the same: a 422 naming the field.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kht.errors import ValidationError

NUL = "\x00"


def has_nul(value: Any) -> bool:
    """Whether `value` (text, or JSON made of dicts and lists) holds a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


def nul_refused(field: str) -> ValidationError:
    """The error for a NUL character in `field`."""
    return ValidationError(f"{field} must not contain NUL characters", field)


def _refuse_nul(session: Session, _context: Any, _instances: Any) -> None:
    for record in (*session.new, *session.dirty):
        state = inspect(record)
        for attribute in state.mapper.column_attrs:
            if has_nul(state.dict.get(attribute.key)):
                raise nul_refused(attribute.key)


def refuse_nul_text() -> None:
    """Check every flush of every session for NUL characters in text and JSON (idempotent)."""
    if not event.contains(Session, "before_flush", _refuse_nul):
        event.listen(Session, "before_flush", _refuse_nul)
