"""Resolving the acting user of a request (session cookie or bearer token) to a Principal.

Every request resolves its user, so the whole lookup is one Core statement: the credential
row joined to the user, role, department and business lines (one result row per business
line). No ORM objects are built.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session

from kht.auth.models import ApiToken, Role, User, UserSession
from kht.auth.permissions import Principal
from kht.auth.secrets import digest
from kht.org.models import Department, user_business_lines
from kht.records.schemas import out_of

_users = User.__table__
_lines = user_business_lines.c


def _principal_query(*extra: Any) -> Select[Any]:
    """The user's columns, role, department path and business lines, for active users."""
    u = _users.c
    return (
        select(
            u.id,
            u.login,
            u.name,
            u.language,
            u.time_zone,
            u.is_admin,
            u.department_id,
            u.branch_id,
            Role.__table__.c.key.label("role_key"),
            Role.__table__.c.grants,
            Department.__table__.c.path,
            _lines.business_line_id,
            *extra,
        )
        .select_from(_users)
        .outerjoin(Role.__table__, u.role_id == Role.__table__.c.id)
        .outerjoin(Department.__table__, u.department_id == Department.__table__.c.id)
        .outerjoin(user_business_lines, _lines.user_id == u.id)
        .where(u.active.is_(True))
        .order_by(_lines.business_line_id)
    )


def _principal(rows: list[Any], **extra: Any) -> Principal | None:
    if not rows:
        return None
    first = rows[0]
    return out_of(
        Principal,
        first,
        grants=first.grants or {},
        department_path=first.path,
        business_line_ids=tuple(r.business_line_id for r in rows if r.business_line_id),
        **extra,
    )


_t = ApiToken.__table__.c
_s = UserSession.__table__.c
# Built once: constructing a statement costs more Python time than running this one.
_BY_ID = _principal_query().where(_users.c.id == bindparam("user_id"))
_BY_SESSION = (
    _principal_query(_s.stage)
    .join(UserSession.__table__, _s.user_id == _users.c.id)
    .where(
        _s.id_hash == bindparam("digest"),
        _s.expires_at > bindparam("now", type_=_s.expires_at.type),
    )
)
_BY_TOKEN = (
    _principal_query(_t.expires_at)
    .join(ApiToken.__table__, _t.user_id == _users.c.id)
    .where(
        _t.token_hash == bindparam("digest"),
        _t.revoked_at.is_(None),
        or_(_t.expires_at.is_(None), _t.expires_at > bindparam("now", type_=_t.expires_at.type)),
    )
)


def load_principal(
    session: Session,
    user_id: int,
    *,
    stage: str = "full",
    auth: str = "session",
    token_expires_at: datetime | None = None,
) -> Principal | None:
    """The Principal of an active user (role grants, department path, business lines)."""
    rows = session.execute(_BY_ID, {"user_id": user_id}).all()
    return _principal(rows, stage=stage, auth=auth, token_expires_at=token_expires_at)


def principal_from_session(session: Session, token: str | None, now: datetime) -> Principal | None:
    """The user behind a session cookie; unknown, expired or deactivated gives None."""
    if not token:
        return None
    rows = session.execute(_BY_SESSION, {"digest": digest(token), "now": now}).all()
    return _principal(rows, stage=rows[0].stage, auth="session") if rows else None


def principal_from_bearer(session: Session, header: str | None, now: datetime) -> Principal | None:
    """The user behind `Authorization: Bearer <token>`, with exactly that user's rights.

    Unknown, revoked and expired tokens, and tokens of deactivated users, give None.
    """
    if not header or not header.lower().startswith("bearer "):
        return None
    rows = session.execute(_BY_TOKEN, {"digest": digest(header[7:].strip()), "now": now}).all()
    return _principal(rows, auth="token", token_expires_at=rows[0].expires_at) if rows else None
