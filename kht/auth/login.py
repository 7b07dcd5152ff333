"""Logging in: password check with throttling, second factor, and session rotation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import pyotp
from sqlalchemy.orm import Session

from kht.auth import throttle
from kht.auth.models import Role, User
from kht.auth.passwords import hash_password, verify_password
from kht.auth.service import find_user
from kht.auth.sessions import end_session, start_session
from kht.errors import NotAuthenticated
from kht.web.i18n import N_

WRONG_CREDENTIALS = N_("wrong login or password")


@cache
def _dummy_hash() -> str:
    # Verified when the login is unknown, so both failures cost the same time.
    return hash_password(secrets.token_urlsafe(16))


@dataclass
class LoginResult:
    """A new session cookie value and its stage (`full`, `totp` or `setup_totp`)."""

    token: str
    stage: str
    user: User


def authenticate(
    session: Session, login: str, password: str, ip: str, now: datetime, *, user_agent: str = ""
) -> LoginResult:
    """Check the password (throttled) and open a new session; NotAuthenticated if wrong.

    An unknown login and a wrong password give the same error after the same work.
    The attempt is recorded in `session`; the caller must commit it even on failure.
    The try is recorded and committed before the password is hashed: on SQLite a writing
    transaction holds the database's write lock, and hashing must not stall every writer.
    """
    attempt = throttle.begin_attempt(session, login, ip, now)
    user = find_user(session, login)
    session.commit()  # the one request that ends its transaction early (see above)
    valid = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.active:
        throttle.failed(login, ip)
        raise NotAuthenticated(WRONG_CREDENTIALS, "login")
    throttle.succeeded(attempt)
    stage = _first_stage(session, user)
    token = start_session(session, user.id, now, stage=stage, ip=ip, user_agent=user_agent)
    return LoginResult(token=token, stage=stage, user=user)


def _first_stage(session: Session, user: User) -> str:
    if user.totp_enabled:
        return "totp"
    role = session.get(Role, user.role_id) if user.role_id else None
    return "setup_totp" if role is not None and role.require_2fa else "full"


def verify_totp(user: User, code: str) -> bool:
    """Whether `code` is the user's current (or adjacent) TOTP code."""
    if not user.totp_secret:
        return False
    return pyotp.TOTP(user.totp_secret).verify(code.strip().replace(" ", ""), valid_window=1)


def complete_second_factor(
    session: Session, old_token: str, user: User, code: str, now: datetime, *, ip: str = ""
) -> str:
    """Exchange a `totp`-stage session for a full one under a new id, if the code is right.

    Throttled like the password (TooManyAttempts), counting the same failures.
    """
    attempt = throttle.begin_attempt(session, user.login, ip, now)
    if not verify_totp(user, code):
        throttle.failed(user.login, ip)
        raise NotAuthenticated(N_("wrong code"), "code")
    throttle.succeeded(attempt)
    end_session(session, old_token)
    return start_session(session, user.id, now, ip=ip)
