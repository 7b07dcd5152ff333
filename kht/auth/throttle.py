"""Login throttling in the database (shared by every server worker).

Failures are counted within WINDOW per account *and* address, so failures from one address
cannot lock a colleague out from another. For one login from one address: from SLOW_AFTER
failures on, a try sooner than the backoff after the last failure is refused; from
LOCK_AFTER on, every try is refused until the window has passed. One address failing on any
logins ADDRESS_LOCK_AFTER times (guessing across many accounts) is refused for every login.
The password form and the second-factor form share these counts.

Nothing waits on the server: a try that comes too soon is refused (429) at once, so
unauthenticated requests cannot hold threads, connections or SQLite's write lock.
"""

from __future__ import annotations

import logging
import zlib
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kht.auth.models import LoginAttempt
from kht.errors import TooManyRequests
from kht.web.i18n import N_

log = logging.getLogger("kht.auth")

WINDOW = timedelta(minutes=15)
SLOW_AFTER = 3
LOCK_AFTER = 8
ADDRESS_LOCK_AFTER = 30
LOCKED_MESSAGE = N_("too many failed logins; try again in 15 minutes")
WAIT_MESSAGE = N_("too many failed logins; wait a few seconds before trying again")


class TooManyAttempts(TooManyRequests):
    """Too many failed logins for this account from this address: wait, then try again."""


def backoff(failures: int) -> timedelta:
    """From SLOW_AFTER failures on, how long after the last one the next try may come:
    1, 2, 4, 8, 16 seconds."""
    return timedelta(seconds=2 ** (failures - SLOW_AFTER))


def _normal(login: str) -> str:
    return login.strip().lower()[:80]


def _counts(
    session: Session, login: str, ip: str, now: datetime
) -> tuple[int, int, datetime | None]:
    """Failures of this login from this address, failures from this address, last failure."""
    mine = LoginAttempt.login == _normal(login)
    query = select(
        func.count().filter(mine), func.count(), func.max(LoginAttempt.at).filter(mine)
    ).where(
        LoginAttempt.ip == ip[:64], LoginAttempt.at > now - WINDOW, LoginAttempt.success.is_(False)
    )
    pair, address, last = session.execute(query).one()
    return pair, address, last


def _serialise(session: Session, login: str, ip: str) -> None:
    # Tries of one login from one address run one after another on PostgreSQL, so a burst
    # cannot pass the check together; SQLite writers already hold the write lock.
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{_normal(login)}\0{ip}".encode()) - 2**31
        session.execute(text("SELECT pg_advisory_xact_lock(7510002, :key)"), {"key": key})


def check(session: Session, login: str, ip: str, now: datetime) -> None:
    """Raise TooManyAttempts when this login may not be tried from this address now."""
    pair, address, last = _counts(session, login, ip, now)
    if pair >= LOCK_AFTER or address >= ADDRESS_LOCK_AFTER:
        raise TooManyAttempts(LOCKED_MESSAGE, "login")
    if pair >= SLOW_AFTER and now < last + backoff(pair):
        raise TooManyAttempts(WAIT_MESSAGE, "login")


def begin_attempt(session: Session, login: str, ip: str, now: datetime) -> LoginAttempt:
    """Check the throttle, then record the try as a failure until `succeeded` says otherwise.

    Recorded before the password or code is checked, so parallel tries count against each
    other at once instead of all passing the check together.
    """
    _serialise(session, login, ip)
    check(session, login, ip, now)
    attempt = LoginAttempt(login=_normal(login), ip=ip[:64], success=False, at=now)
    session.add(attempt)
    session.flush()
    return attempt


def succeeded(attempt: LoginAttempt) -> None:
    """The password or code was right: the try no longer counts as a failure."""
    attempt.success = True


def failed(login: str, ip: str) -> None:
    """Log a failure with login and address, never the password or code."""
    log.warning("failed login for %r from %s", login[:80], ip)
