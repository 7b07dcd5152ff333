"""What every outbox shares (mail, webhooks): rows written in the caller's transaction, handed
to their sender after the commit, and claimed by one sender at a time.

An outbox table has `id`, `status` ("queued" until done), `next_attempt_at`, `claim` and
`claimed_until`.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, or_, select, update
from sqlalchemy.orm import Session

log = logging.getLogger("kht.db")


def once_after_commit(session: Session, key: str, run: Callable[[], None]) -> None:
    """Call `run` after the session's next commit, once however often this is asked for
    under the same `key` before it. A failing `run` is logged and leaves the commit standing:
    what it would have handed over is picked up later by its sender's own sweep."""
    if session.info.get(key):
        return
    session.info[key] = True

    done = False

    def after_commit(committed: Session) -> None:
        nonlocal done
        # Releasing a SAVEPOINT (asked for inside `begin_nested`) also reports a commit, while
        # the outer transaction still holds its locks: wait for the real one. (A listener
        # cannot remove itself while the commit's listeners run: it stays, spent.)
        if done or committed.in_nested_transaction():
            return
        done = True
        committed.info.pop(key, None)
        try:
            run()
        except Exception:
            log.exception("after-commit work %s failed", key)

    event.listen(session, "after_commit", after_commit)


def due(model: Any, now: datetime) -> list[Any]:
    """The conditions of a row a sender may take now: queued, its wait over, held by no one."""
    return [
        model.status == "queued",
        or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
        or_(model.claimed_until.is_(None), model.claimed_until < now),
    ]


def claim(
    engine: Engine, model: Any, conditions: list[Any], now: datetime, lease: timedelta, batch: int
) -> str:
    """Hold up to `batch` rows meeting `conditions` (oldest first) until `now + lease`, in a
    short transaction of its own; the token the held rows carry in `claim`. The conditions
    are re-checked on each row, so a sender that waited for another's claim skips it."""
    token = secrets.token_hex(16)
    with Session(engine) as session, session.begin():
        oldest = select(model.id).where(*conditions).order_by(model.id).limit(batch)
        session.execute(
            update(model)
            .where(model.id.in_(oldest.scalar_subquery()), *conditions)
            .values(claim=token, claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    return token
