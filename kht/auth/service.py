"""User accounts: the only place that creates users or changes their passwords."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kht.auth.models import User
from kht.auth.passwords import hash_password
from kht.errors import Conflict, ValidationError

LANGUAGES = ("zh_CN", "en")


def create_user(
    session: Session,
    *,
    login: str,
    name: str,
    password: str,
    email: str = "",
    language: str = "zh_CN",
    is_admin: bool = False,
) -> User:
    """Create a user; the login must be unique (case-insensitive)."""
    login = login.strip()
    if not login:
        raise ValidationError("login is required", "login")
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}", "language")
    if find_user(session, login) is not None:
        raise Conflict(f"a user with login {login!r} already exists", "login")
    user = User(
        login=login,
        name=name or login,
        email=email,
        language=language,
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, login: str) -> User | None:
    """The user with this login (case-insensitive), or None."""
    return session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))


def set_language(session: Session, user: User, language: str) -> None:
    """Change a user's UI language."""
    if language not in LANGUAGES:
        raise ValidationError(f"language must be one of {', '.join(LANGUAGES)}", "language")
    user.language = language
    session.flush()
