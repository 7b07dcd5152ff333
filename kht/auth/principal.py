"""Resolving the acting user of a request (session cookie or bearer token) to a Principal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.auth.models import Role, User
from kht.auth.permissions import Principal
from kht.auth.sessions import find_session
from kht.auth.tokens import find_token
from kht.org.models import Department, user_business_lines


def load_principal(
    session: Session,
    user_id: int,
    *,
    stage: str = "full",
    auth: str = "session",
    token_expires_at: datetime | None = None,
) -> Principal | None:
    """The Principal of an active user (role grants, department path, business lines)."""
    row = session.execute(
        select(User, Role.key, Role.grants, Department.path)
        .outerjoin(Role, User.role_id == Role.id)
        .outerjoin(Department, User.department_id == Department.id)
        .where(User.id == user_id, User.active.is_(True))
    ).first()
    if row is None:
        return None
    user, role_key, grants, path = row
    lines = tuple(
        session.scalars(
            select(user_business_lines.c.business_line_id).where(
                user_business_lines.c.user_id == user.id
            )
        )
    )
    return Principal(
        id=user.id,
        login=user.login,
        name=user.name,
        language=user.language,
        time_zone=user.time_zone,
        is_admin=user.is_admin,
        role_key=role_key,
        grants=grants or {},
        department_id=user.department_id,
        department_path=path,
        branch_id=user.branch_id,
        business_line_ids=lines,
        stage=stage,
        auth=auth,
        token_expires_at=token_expires_at,
    )


def principal_from_session(session: Session, token: str | None, now: datetime) -> Principal | None:
    """The user behind a session cookie; unknown, expired or deactivated gives None."""
    row = find_session(session, token, now)
    if row is None:
        return None
    return load_principal(session, row.user_id, stage=row.stage, auth="session")


def principal_from_bearer(session: Session, header: str | None, now: datetime) -> Principal | None:
    """The user behind `Authorization: Bearer <token>`, with exactly that user's rights."""
    if not header or not header.lower().startswith("bearer "):
        return None
    row = find_token(session, header[7:].strip(), now)
    if row is None:
        return None
    return load_principal(session, row.user_id, auth="token", token_expires_at=row.expires_at)
