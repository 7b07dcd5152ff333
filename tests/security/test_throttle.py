"""Login throttling: per account and address, the second factor like the password, and no
waiting on the server (so failed logins cannot stall anyone's writes)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier

import httpx
import pyotp
from litestar.testing import TestClient
from sqlalchemy import select, update

from kht.auth import throttle
from kht.auth.login import authenticate, complete_second_factor
from kht.auth.models import LoginAttempt, User
from kht.db.base import utcnow
from kht.errors import NotAuthenticated
from kht.testing import TEST_PASSWORD, bearer, log_in, runtime_of, serving

OFFICE, ATTACKER = "10.0.0.5", "203.0.113.9"


def try_password(app, login: str, password: str, ip: str, now: datetime) -> str:
    """One password try at `now`: "ok", "wrong" or the refusal's message."""
    with runtime_of(app).ctx() as ctx:
        try:
            authenticate(ctx.session, login, password, ip, now)
        except NotAuthenticated:
            return "wrong"
        except throttle.TooManyAttempts as exc:
            return exc.message
    return "ok"


def fail_until_locked(app, login: str, ip: str, start: datetime) -> datetime:
    """LOCK_AFTER wrong passwords, each as soon as the backoff allows; the time after them."""
    now = start
    for failures in range(throttle.LOCK_AFTER):
        if failures >= throttle.SLOW_AFTER:
            now += throttle.backoff(failures)
        assert try_password(app, login, "wrong-password", ip, now) == "wrong"
    return now


def test_tries_too_soon_after_failures_are_refused_without_checking_the_password(app):
    start = utcnow()
    for _ in range(throttle.SLOW_AFTER):
        assert try_password(app, "rep", "wrong-password", OFFICE, start) == "wrong"
    assert try_password(app, "rep", TEST_PASSWORD, OFFICE, start) == throttle.WAIT_MESSAGE
    later = start + throttle.backoff(throttle.SLOW_AFTER)
    assert try_password(app, "rep", TEST_PASSWORD, OFFICE, later) == "ok"


def test_failures_from_one_address_do_not_lock_the_account_out_from_another(app):
    now = fail_until_locked(app, "rep", ATTACKER, utcnow())
    assert try_password(app, "rep", TEST_PASSWORD, ATTACKER, now) == throttle.LOCKED_MESSAGE
    assert try_password(app, "rep", TEST_PASSWORD, OFFICE, now) == "ok"
    after_window = now + throttle.WINDOW
    assert try_password(app, "rep", TEST_PASSWORD, ATTACKER, after_window) == "ok"


def test_one_address_guessing_across_many_accounts_is_refused_for_every_account(app):
    now = utcnow()
    for n in range(throttle.ADDRESS_LOCK_AFTER):
        assert try_password(app, f"guess{n}", "wrong-password", ATTACKER, now) == "wrong"
    assert try_password(app, "rep", TEST_PASSWORD, ATTACKER, now) == throttle.LOCKED_MESSAGE
    assert try_password(app, "rep", TEST_PASSWORD, OFFICE, now) == "ok"


def try_code(app, code: str, ip: str, now: datetime) -> str:
    """One second-factor try of `rep` at `now`: "ok", "wrong" or the refusal's message."""
    with runtime_of(app).ctx() as ctx:
        user = ctx.session.scalar(select(User).where(User.login == "rep"))
        try:
            complete_second_factor(ctx.session, "pending", user, code, now, ip=ip)
        except NotAuthenticated:
            return "wrong"
        except throttle.TooManyAttempts as exc:
            return exc.message
    return "ok"


def test_the_second_factor_is_throttled_like_the_password(app):
    secret = pyotp.random_base32()
    with runtime_of(app).ctx() as ctx:
        ctx.session.execute(
            update(User).where(User.login == "rep").values(totp_secret=secret, totp_enabled=True)
        )
    now = utcnow()
    for _ in range(throttle.SLOW_AFTER):
        assert try_code(app, "000000", OFFICE, now) == "wrong"
    right = pyotp.TOTP(secret).at(now)
    assert try_code(app, right, OFFICE, now) == throttle.WAIT_MESSAGE
    for failures in range(throttle.SLOW_AFTER, throttle.LOCK_AFTER):
        now += throttle.backoff(failures)
        assert try_code(app, "000000", OFFICE, now) == "wrong"
    assert try_code(app, pyotp.TOTP(secret).at(now), OFFICE, now) == throttle.LOCKED_MESSAGE


def test_the_second_factor_page_answers_429_when_throttled(app):
    runtime = runtime_of(app)
    with runtime.ctx() as ctx:
        ctx.session.execute(
            update(User)
            .where(User.login == "rep")
            .values(totp_secret=pyotp.random_base32(), totp_enabled=True)
        )
    with TestClient(app) as client:
        assert log_in(client, "rep").headers["location"] == "/login/totp"
        token = client.cookies["kht_csrf"]
        answers = [
            client.post("/login/totp", data={"code": "000000", "_csrf_token": token}).status_code
            for _ in range(throttle.SLOW_AFTER + 1)
        ]
    assert answers == [401] * throttle.SLOW_AFTER + [429]


def age_attempts(app, by: timedelta) -> None:
    with runtime_of(app).ctx() as ctx:
        for attempt in ctx.session.scalars(select(LoginAttempt)):
            attempt.at = attempt.at - by


def test_failed_logins_are_spaced_then_refused_then_unlocked(app, caplog):
    with TestClient(app) as client:
        for failures in range(throttle.LOCK_AFTER):
            age_attempts(app, throttle.backoff(max(failures, throttle.SLOW_AFTER)))
            assert log_in(client, "rep", "wrong-password").status_code == 401
        locked = log_in(client, "rep")  # even the right password is refused now
        assert locked.status_code == 429
        assert "15" in locked.text
    assert not any("wrong-password" in r.getMessage() for r in caplog.records)
    assert any("failed login for 'rep'" in r.getMessage() for r in caplog.records)
    age_attempts(app, throttle.WINDOW)
    with TestClient(app) as client:
        assert log_in(client, "rep").status_code in (302, 303)


def test_forty_parallel_wrong_passwords_neither_fail_nor_stall_an_admins_write(app):
    """On SQLite the throttle used to sleep holding the write lock: 500s, and stalled writes.

    The server waits for the write lock at most KHT_SQLITE_BUSY_TIMEOUT_MS, so a write
    stalled behind the logins would answer 503 here, not 200.
    """
    runtime = runtime_of(app)
    admin = bearer(runtime, "boss")
    # Short enough that the old bug (throttle sleeps of 1, 2, 4 … s holding the write lock,
    # one after another) overruns it; long enough for 41 writers on a busy two-core machine.
    short = {"KHT_SQLITE_BUSY_TIMEOUT_MS": "5000", "KHT_DB_LOCK_TIMEOUT_MS": "5000"}
    with (
        serving(runtime.settings.database_url, **short) as url,
        httpx.Client(base_url=url, timeout=20, limits=httpx.Limits(max_connections=50)) as client,
    ):
        client.get("/login")
        csrf = client.cookies["kht_csrf"]
        customer = client.post("/api/v1/customers", json={"name": "Acme"}, headers=admin).json()
        start = Barrier(41)

        def wrong_password(_: int) -> int:
            start.wait()
            form = {"login": "rep", "password": "wrong-password", "_csrf_token": csrf}
            return client.post("/login", data=form).status_code

        def admin_edit() -> int:
            start.wait()
            body = {"version": customer["version"], "notes": "edited during the attack"}
            path = f"/api/v1/customers/{customer['id']}"
            return client.patch(path, json=body, headers=admin).status_code

        with ThreadPoolExecutor(41) as pool:
            logins = pool.map(wrong_password, range(40))
            edit = pool.submit(admin_edit)
            answers = Counter(logins)
        assert edit.result() == 200
    assert set(answers) <= {401, 429}, answers
    # The burst is throttled like sequential tries: the tries are recorded before the check.
    assert throttle.SLOW_AFTER <= answers[401] <= throttle.LOCK_AFTER, answers
