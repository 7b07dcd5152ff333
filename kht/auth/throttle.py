"""Login throttling in the database (shared by every server worker).

Failures per login name and per client address within WINDOW: from SLOW_AFTER on, each try
is delayed; from LOCK_AFTER on, tries are refused until the window has passed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kht.auth.models import LoginAttempt
from kht.errors import KhtError
from kht.web.i18n import N_

log = logging.getLogger("kht.auth")

WINDOW = timedelta(minutes=15)
SLOW_AFTER = 3
LOCK_AFTER = 8
DELAY_SECONDS = 1.0
LOCKED_MESSAGE = N_("too many failed logins; try again in 15 minutes")


class TooManyAttempts(KhtError):
    """Too many failed logins for this account or address: wait, then try again."""

    status = 429
    code = "too_many_requests"


def failures(session: Session, login: str, ip: str, now: datetime) -> int:
    """Failed attempts for this login or this address within the window."""
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(
            LoginAttempt.at > now - WINDOW,
            LoginAttempt.success.is_(False),
            or_(LoginAttempt.login == login.strip().lower(), LoginAttempt.ip == ip),
        )
    )
    return session.scalar(query) or 0


def check(session: Session, login: str, ip: str, now: datetime) -> float:
    """Raise TooManyAttempts when locked; otherwise the delay (seconds) to impose."""
    count = failures(session, login, ip, now)
    if count >= LOCK_AFTER:
        raise TooManyAttempts(LOCKED_MESSAGE, "login")
    return DELAY_SECONDS if count >= SLOW_AFTER else 0.0


def record(session: Session, login: str, ip: str, success: bool, now: datetime) -> None:
    """Remember an attempt; a failure is logged with login and address, never the password."""
    session.add(LoginAttempt(login=login.strip().lower()[:80], ip=ip[:64], success=success, at=now))
    if not success:
        log.warning("failed login for %r from %s", login[:80], ip)
