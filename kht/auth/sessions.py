"""Server-side login sessions: created only here, so a client-chosen id is never adopted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kht.auth.models import UserSession
from kht.auth.secrets import digest, new_secret

SESSION_COOKIE = "kht_session"
LIFETIME = timedelta(days=7)


def start_session(
    session: Session,
    user_id: int,
    now: datetime,
    *,
    stage: str = "full",
    ip: str = "",
    user_agent: str = "",
) -> str:
    """Create a session for `user_id` and return the cookie value (shown to nobody else)."""
    token = new_secret()
    session.add(
        UserSession(
            id_hash=digest(token),
            user_id=user_id,
            stage=stage,
            created_at=now,
            expires_at=now + LIFETIME,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    session.flush()
    return token


def end_session(session: Session, token: str | None) -> None:
    """Log one session out."""
    if token:
        session.execute(delete(UserSession).where(UserSession.id_hash == digest(token)))


def session_alive(session: Session, token: str | None, now: datetime) -> bool:
    """Whether the session behind a cookie value still exists and has not expired."""
    if not token:
        return False
    query = select(UserSession.id_hash).where(
        UserSession.id_hash == digest(token), UserSession.expires_at > now
    )
    return session.scalar(query) is not None


def end_all_sessions(session: Session, user_id: int) -> int:
    """Log a user out everywhere (deactivation, password or role change). Returns the count."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def sessions_of(session: Session, user_id: int) -> list[UserSession]:
    """The user's live and expired sessions, newest first."""
    query = select(UserSession).where(UserSession.user_id == user_id)
    return list(session.scalars(query.order_by(UserSession.created_at.desc())))
