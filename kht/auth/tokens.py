"""API tokens: shown once, stored hashed, revocable, optionally expiring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kht.auth.models import ApiToken
from kht.auth.secrets import digest, new_secret
from kht.errors import NotFound, ValidationError

TOKEN_PREFIX = "kht_"  # noqa: S105 - a visible marker, not a secret


def create_token(
    session: Session,
    user_id: int,
    name: str,
    now: datetime,
    expires_at: datetime | None = None,
    limit: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user_id`; returns the row and the token (the only time it is seen).

    `limit` caps the expiry: a token made through an expiring token never outlives it.
    """
    if limit is not None:
        expires_at = min(expires_at, limit) if expires_at is not None else limit
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError("name must be 1 to 100 characters", "name")
    if expires_at is not None and expires_at <= now:
        raise ValidationError("expires_at must be in the future", "expires_at")
    token = new_secret(TOKEN_PREFIX)
    row = ApiToken(
        user_id=user_id,
        name=name,
        token_hash=digest(token),
        prefix=token[: len(TOKEN_PREFIX) + 6],
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row, token


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    """A user's tokens (revoked ones included), newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    return list(session.scalars(query.order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user_id: int, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's token is NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"token {token_id} not found")
    if row.revoked_at is None:
        row.revoked_at = now
    session.flush()
    return row
